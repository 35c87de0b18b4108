namespace Metering.Grains.Pools;

/// <summary>
/// The stored state of one pool (its <c>ledger_account</c> state JSON), in micro-USD.
/// <see cref="AuditSequence"/> is the sequence number of the last audit record written.
/// </summary>
internal sealed record PoolAccount(long LimitMicros, long UsedMicros, long AuditSequence, DateTimeOffset? LastActiveAt)
{
    public static PoolAccount Blank { get; } = new(0, 0, 0, null);
}
