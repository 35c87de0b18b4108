using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>
/// What an account kind tells the engine: its name in the tables, a blank account, its own
/// invariants, and the state of its own it keeps beside the account (<typeparamref name="TSide"/>).
/// The kind's own rows travel as <see cref="SideRow"/>s staged with the operations that make them.
/// </summary>
/// <typeparam name="TAccount">The account row's state.</typeparam>
/// <typeparam name="TDetail">What a hold of this kind remembers.</typeparam>
/// <typeparam name="TSide">The kind's side state (<see cref="NoSideState"/> for kinds without one).</typeparam>
internal abstract class LedgerKind<TAccount, TDetail, TSide>
    where TAccount : class
    where TSide : class
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
    /// is staged.
    /// </summary>
    public abstract Task<TSide> LoadSideAsync(LedgerStore store, string accountId, DateTimeOffset now);
}

/// <summary>The side state of a kind that keeps none beside its account row.</summary>
internal sealed class NoSideState
{
    public static NoSideState Instance { get; } = new();

    public static Task<NoSideState> Loaded { get; } = Task.FromResult(Instance);

    private NoSideState()
    {
    }
}
