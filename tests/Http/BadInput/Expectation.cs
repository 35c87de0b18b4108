namespace Metering.Tests.Http.BadInput;

/// <summary>
/// What the contract answers to a request: a problem (status, code and, for a 400, exactly the
/// members of <c>errors</c>), or for a well-formed batch of bad events a 200 with one
/// expectation per event.
/// </summary>
internal sealed record Expectation(Stage Stage, int Status, string Code, IReadOnlySet<string> ErrorKeys, IReadOnlyList<Expectation>? Events = null)
{
    /// <summary>The answer to a set of mutations: the earliest stage wins; at a stage that reports every problem, their keys are united.</summary>
    public static Expectation Of(IEnumerable<Mutation> mutations, IReadOnlyList<Expectation>? events = null)
    {
        var breaking = mutations.Where(m => !m.Neutral).ToList();
        if (breaking.Count == 0)
        {
            throw new InvalidOperationException("a bad request needs at least one mutation that makes it invalid");
        }

        var stage = breaking.Min(m => m.Stage);
        var keys = breaking.Where(m => m.Stage == stage && m.ErrorKey is not null).Select(m => m.ErrorKey!).ToHashSet(StringComparer.Ordinal);
        var (status, code) = Answer(stage);
        return new Expectation(stage, status, code, keys, stage == Stage.PerEvent ? events : null);
    }

    public static (int Status, string Code) Answer(Stage stage) => stage switch
    {
        Stage.Route or Stage.NotFound => (404, "not_found"),
        Stage.Auth => (401, "unauthorized"),
        Stage.Scope or Stage.Prefix or Stage.LatePrefix => (403, "forbidden"),
        Stage.Size => (413, "payload_too_large"),
        Stage.PerEvent => (200, ""),
        Stage.PathAccount or Stage.PathRequest or Stage.Parse or Stage.Paging or Stage.Fields or Stage.Shape or Stage.Grain => (400, "invalid_request"),
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };

    public override string ToString() => Events is null
        ? $"{Status} {Code}{(ErrorKeys.Count == 0 ? "" : " errors {" + string.Join(", ", ErrorKeys) + "}")}"
        : $"200 with {Events.Count} per-event problems [{string.Join("; ", Events)}]";
}
