using Metering.Grains.Storage;
using Npgsql;

namespace Metering.Grains.Engine;

/// <summary>
/// What an account kind tells the engine: its name in the tables, a blank account, its own
/// invariants, and how to write its own rows (pool audit records, port usage buckets).
/// </summary>
internal abstract class LedgerKind<TAccount, TDetail>
    where TAccount : class
{
    /// <summary>The <c>kind</c> column value, one of <see cref="AccountKinds"/>.</summary>
    public abstract string Name { get; }

    /// <summary>The state of an account never written.</summary>
    public abstract TAccount Blank(string accountId, DateTimeOffset now);

    /// <summary>Throws <see cref="InvariantViolationException"/> when the account breaks a rule of its kind.</summary>
    public abstract void CheckInvariants(TAccount account);

    /// <summary>
    /// State of the kind's own kept beside the account row (a port's usage by day and feature),
    /// loaded with the ledger and dropped with it, so it always matches what is durable plus what
    /// is staged. Null for kinds that have none.
    /// </summary>
    public virtual Task<object?> LoadSideStateAsync(LedgerStore store, string accountId, DateTimeOffset now) => Task.FromResult<object?>(null);

    /// <summary>Commands writing the kind's own rows for the extras staged in one batch.</summary>
    public virtual IEnumerable<NpgsqlBatchCommand> ExtraCommands(string accountId, IReadOnlyList<object> extras) => [];
}
