using Orleans.Configuration;

namespace Metering.Silo.Hosting;

/// <summary>
/// This project's failure-detection defaults (Orleans <see cref="ClusterMembershipOptions"/>),
/// applied before <c>Orleans:Membership</c> is bound so that any key set there wins. Chosen so
/// that a replacement silo serves within 30 s after the only silo is killed (issue #9); the
/// timeline and the trade-offs are in docs/operations.md, "Crash recovery".
/// </summary>
public static class MembershipDefaults
{
    /// <summary>
    /// How often a silo writes its heartbeat row (Orleans: 30 s). A joining silo only starts
    /// probing an Active entry of another silo once that entry has missed its heartbeats, so this
    /// times <see cref="NumMissedTableIAmAliveLimit"/> is the first part of the recovery time.
    /// Costs one single-row UPDATE per silo per period.
    /// </summary>
    public static readonly TimeSpan IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Heartbeats an Active entry may miss before it counts as stale (Orleans: 3). 5 s × 2 = 10 s.
    /// Stale alone declares nothing dead: it adds probes and lowers the votes needed.
    /// </summary>
    public const int NumMissedTableIAmAliveLimit = 2;

    /// <summary>
    /// How often a silo re-reads the membership table and re-chooses whom it probes (Orleans:
    /// 60 s). A joining silo notices the stale entry at its next re-evaluation, so this bounds the
    /// second part of the recovery time. Costs one small SELECT per silo per period.
    /// </summary>
    public static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The initial probe timeout and period (Orleans: 5 s). Orleans adapts the effective timeout
    /// per peer between half and four times this value from measured round trips, and stretches it
    /// while the local silo is degraded (GC, thread-pool stalls).
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive missed probes before a silo votes (Orleans: 3, kept).</summary>
    public const int NumMissedProbesLimit = 3;

    /// <summary>
    /// Votes needed to declare a silo dead (Orleans: 2, kept). Orleans lowers it to half, rounded
    /// up, of the Active silos with fresh heartbeats, so a lone replacement needs only its own vote.
    /// </summary>
    public const int NumVotesForDeathDeclaration = 2;

    /// <summary>Sets the values above on <paramref name="options"/>; everything else stays Orleans'.</summary>
    public static void Apply(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout;
        options.NumMissedTableIAmAliveLimit = NumMissedTableIAmAliveLimit;
        options.TableRefreshTimeout = TableRefreshTimeout;
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit;
        options.NumVotesForDeathDeclaration = NumVotesForDeathDeclaration;
    }
}
