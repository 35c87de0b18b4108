using Metering.Grains.Engine;
using Metering.Grains.Storage;

namespace Metering.Grains.Pools;

/// <summary>The pool account kind, for the engine: its audit rows (<see cref="PoolAuditRow"/>) go in the flush's transaction.</summary>
internal sealed class PoolLedgerKind : LedgerKind<PoolAccount, PoolHoldDetail, NoSideState>
{
    public static PoolLedgerKind Instance { get; } = new();

    public override string Name => AccountKinds.Pool;

    public override PoolAccount Blank(string accountId, DateTimeOffset now) => PoolAccount.Blank;

    public override void CheckInvariants(PoolAccount account)
    {
        Invariant.Require(account.LimitMicros is >= 0 and <= PoolRules.MaxLimitMicros, "a pool limit is out of range");
        Invariant.Require(account.UsedMicros >= 0, "a pool's use is negative");
        Invariant.Require(account.AuditSequence >= 0, "a pool's audit sequence is negative");
    }

    public override Task<NoSideState> LoadSideAsync(LedgerStore store, string accountId, DateTimeOffset now) => NoSideState.Loaded;
}
