using Metering.GrainInterfaces.Common;

namespace Metering.Tests.Models;

/// <summary>
/// One call of a model test: what it is (for the trace), the answer the model expects (computed on
/// a copy of the model, which the call may change), the call to the grain, and whether it is a
/// write (a write the model answers Created or Ok stages a change, so its flush can be made to fail).
/// </summary>
/// <typeparam name="TModel">The model of the account.</typeparam>
internal sealed class ModelCall<TModel>
{
    private ModelCall(
        string what, Func<TModel, DateTimeOffset, object> expect, Func<Task<object>> send, Func<object, Outcome> outcomeOf,
        Func<object, object> normalize, bool isWrite)
    {
        What = what;
        Expect = expect;
        Send = send;
        OutcomeOf = outcomeOf;
        Normalize = normalize;
        IsWrite = isWrite;
    }

    public string What { get; }

    /// <summary>The model's answer; it changes the model it is given as the call must.</summary>
    public Func<TModel, DateTimeOffset, object> Expect { get; }

    public Func<Task<object>> Send { get; }

    public Func<object, Outcome> OutcomeOf { get; }

    /// <summary>What of an answer is compared: all of it, except what the model does not predict.</summary>
    public Func<object, object> Normalize { get; }

    public bool IsWrite { get; }

    /// <summary>A write: reserve, commit, release, a usage record, a budget change.</summary>
    public static ModelCall<TModel> Write<T>(
        string what, Func<TModel, DateTimeOffset, T> expect, Func<Task<T>> send, Func<T, Outcome> outcomeOf, Func<T, T>? normalize = null)
        where T : class =>
        new(what, (m, now) => expect(m, now), async () => await send(), r => outcomeOf((T)r), r => normalize is null ? r : normalize((T)r), isWrite: true);

    /// <summary>A read: it stores nothing.</summary>
    public static ModelCall<TModel> Read<T>(string what, Func<TModel, DateTimeOffset, T> expect, Func<Task<T>> send, Func<T, Outcome> outcomeOf)
        where T : class =>
        new(what, (m, now) => expect(m, now), async () => await send(), r => outcomeOf((T)r), r => r, isWrite: false);
}
