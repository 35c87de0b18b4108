namespace Metering.Faults.Faults;

/// <summary>One injected fault (or a mix of several at once): when it began, when it was healed, and what was seen.</summary>
internal sealed record FaultRecord(IReadOnlyList<FaultKind> Kinds, DateTime StartedAt, DateTime HealedAt, string Notes)
{
    public string Name => string.Join(" + ", Kinds.Select(FaultNames.Of));
}
