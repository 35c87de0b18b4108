using Metering.GrainInterfaces.Common;
using Metering.Tests.Support;

namespace Metering.Tests.Models;

/// <summary>
/// Sends a model test's calls to one account and judges each answer against the model, keeping
/// the model's change only when the grain acknowledged it. Not thread-safe (one test drives it).
/// </summary>
internal sealed class ModelRunner<TModel>(ClusterFixture fixture, string kind, string accountId, ModelTrace trace, TModel model)
    where TModel : class, IAccountModel<TModel>
{
    /// <summary>The model as acknowledged so far.</summary>
    public TModel Model { get; private set; } = model;

    /// <summary>The shared test clock, to the millisecond (as the ledger reads it).</summary>
    public static DateTimeOffset Now() => ClusterFixture.Clock.GetUtcNow().TruncateToMs();

    /// <summary>Sends a call; its answer must equal the model's.</summary>
    public async Task SendAsync(ModelCall<TModel> call)
    {
        var (next, expected) = Prepare(call);
        if (call.IsWrite)
        {
            // Reads (after every step) would crowd the trace; a failing read shows both answers anyway.
            trace.Note(call.What);
            trace.Note($"model: {expected}");
        }

        Judge(call, next, expected, await call.Send(), Judgement.Exact);
    }

    /// <summary>
    /// Sends a write whose flush fails (<see cref="ModelFaults.WithFailedFlushAsync"/>): it must
    /// answer Unavailable and change nothing. <paramref name="alongside"/>, when given, is sent
    /// while that flush waits, and must answer Unavailable or exactly as the model (as it was).
    /// Returns false, sending nothing, when the model says the write stages nothing (a refusal, a
    /// replay) or the account has no row yet to fence.
    /// </summary>
    public async Task<bool> SendFailingAsync(ModelCall<TModel> write, ModelCall<TModel>? alongside)
    {
        var (next, expected) = Prepare(write);
        if (!write.IsWrite || !Model.Stored || write.OutcomeOf(expected) is not (Outcome.Created or Outcome.Ok))
        {
            return false;
        }

        trace.Note($"{write.What} [its flush fails]");
        trace.Note($"model: {expected}");
        var other = alongside is null ? default : Prepare(alongside);
        if (alongside is not null)
        {
            trace.Note($"{alongside.What} [alongside the failing flush]");
            trace.Note($"model: {other.Expected}");
        }

        var (answer, otherAnswer) = await ModelFaults.WithFailedFlushAsync(fixture, kind, accountId, write.Send, alongside?.Send);
        Judge(write, next, expected, answer, Judgement.Unavailable);
        if (alongside is not null && otherAnswer is not null)
        {
            Judge(alongside, other.Next, other.Expected, otherAnswer, Judgement.ExactOrUnavailable);
        }

        return true;
    }

    /// <summary>The model's answer, worked out on a copy of the model.</summary>
    private (TModel Next, object Expected) Prepare(ModelCall<TModel> call)
    {
        var next = Model.Clone();
        return (next, call.Expect(next, Now()));
    }

    private void Judge(ModelCall<TModel> call, TModel next, object expected, object actual, Judgement judgement)
    {
        bool unavailable = call.OutcomeOf(actual) == Outcome.Unavailable;
        switch (judgement)
        {
            case Judgement.Unavailable:
                Assert.True(unavailable, $"{call.What}: its flush failed, yet it answered {actual}");
                return;
            case Judgement.ExactOrUnavailable when unavailable:
                trace.Note($"{call.What}: Unavailable");
                return;
        }

        Assert.Equal(expected, call.Normalize(actual));
        Model = next;
    }
}
