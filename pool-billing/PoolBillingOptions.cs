using System.Collections.Immutable;
using Metering.GrainInterfaces.Common;

namespace Metering.PoolBilling;

/// <summary>
/// How <see cref="PoolBillingClient"/> retries: short for reserve, release and free usage (a caller
/// waits, and failing them loses nothing), long for commits (the model call ran: its cost must be
/// recorded).
/// </summary>
/// <remarks>
/// Immutable; safe to share between threads and clients. Checked when a client is made: a value
/// out of range throws an <see cref="ArgumentException"/> naming the setting.
/// </remarks>
public sealed record PoolBillingOptions
{
    /// <summary>The settings used when none are given.</summary>
    public static PoolBillingOptions Default { get; } = new();

    /// <summary>
    /// The least time a commit is retried by default: 5 minutes. A silo failover (the membership
    /// protocol declaring the silo dead, the pool reactivating elsewhere) takes tens of seconds, a
    /// PostgreSQL restart or failover a minute or two; 5 minutes outlasts both, and is also the
    /// default hold lifetime (<see cref="Limits.DefaultTtlSeconds"/>).
    /// </summary>
    public static TimeSpan MinDefaultCommitRetryTime { get; } = TimeSpan.FromSeconds(Limits.DefaultTtlSeconds);

    /// <summary>
    /// The longest <see cref="CommitRetryTime"/>: <see cref="Limits.RequestIdRetentionHours"/> hours,
    /// how long the pool is sure to remember the request id that makes a retry safe.
    /// </summary>
    public static TimeSpan MaxCommitRetryTime { get; } = TimeSpan.FromHours(Limits.RequestIdRetentionHours);

    /// <summary>The longest single wait between two tries: 1 minute, so a pool that is back is not left waiting longer.</summary>
    public static TimeSpan MaxWait { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Most waits in <see cref="RequestBackoff"/> (so at most 10 tries): a caller is waiting on them.</summary>
    public const int MaxRequestRetries = 9;

    /// <summary>
    /// The waits before the second, third, … try of a reserve, a release or a free usage record,
    /// each from 0 to <see cref="MaxWait"/>, at most <see cref="MaxRequestRetries"/> of them; one
    /// try more than there are waits. Default 100 ms then 300 ms: three tries, 400 ms of waiting,
    /// which covers a full write queue (it clears within a flush) and tells the caller quickly when
    /// storage or the cluster is down. Short on purpose: nothing is lost when these fail (a hold
    /// that was not taken charges nothing; a hold not released lapses at its TTL).
    /// </summary>
    public ImmutableArray<TimeSpan> RequestBackoff { get; init; } = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)];

    /// <summary>
    /// The wait after a commit's first failed try, from 1 ms to <see cref="CommitMaxBackoff"/>;
    /// each later wait doubles, up to <see cref="CommitMaxBackoff"/>. Default 100 ms: a full write
    /// queue clears within one.
    /// </summary>
    public TimeSpan CommitInitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest wait between two commit tries, from <see cref="CommitInitialBackoff"/> to
    /// <see cref="MaxWait"/>. Default 5 seconds: a commit lands within 5 s of the pool coming back,
    /// and a failed pool gets at most one commit try per 5 s from each call in flight.
    /// </summary>
    public TimeSpan CommitMaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a commit keeps being retried, counted from its first try, from zero (one try) to
    /// <see cref="MaxCommitRetryTime"/>. A last try is made at this bound; a try in flight then is
    /// awaited (a try that throws takes at most the Orleans client's response timeout). Null (the
    /// default) means the hold's lifetime (<see cref="BillableCallOptions.TtlSeconds"/>) but at
    /// least <see cref="MinDefaultCommitRetryTime"/>: retrying past the hold's expiry is fine (a
    /// late commit is still recorded), and a hold is never left short of its own lifetime.
    /// </summary>
    public TimeSpan? CommitRetryTime { get; init; }

    /// <summary>How long a commit of a hold of <paramref name="ttlSeconds"/> is retried.</summary>
    internal TimeSpan CommitRetryTimeFor(int ttlSeconds)
    {
        var ttl = TimeSpan.FromSeconds(ttlSeconds);
        return CommitRetryTime ?? (ttl > MinDefaultCommitRetryTime ? ttl : MinDefaultCommitRetryTime);
    }

    /// <summary>How long a commit re-sent later (its hold's lifetime unknown) is retried.</summary>
    internal TimeSpan CommitRetryTimeForResend => CommitRetryTime ?? MinDefaultCommitRetryTime;

    /// <summary>Throws unless every setting of <paramref name="options"/> is in range (the helper checks this itself; registrations call it to fail at start).</summary>
    /// <param name="options">The settings to check.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is out of range, named in the message.</exception>
    public static void ThrowIfInvalid(PoolBillingOptions? options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RequestBackoff.IsDefault || options.RequestBackoff.Length > MaxRequestRetries
            || options.RequestBackoff.Any(wait => wait < TimeSpan.Zero || wait > MaxWait))
        {
            throw Invalid($"{nameof(RequestBackoff)} must hold at most {MaxRequestRetries} waits, each from 0 to {MaxWait}");
        }

        if (options.CommitMaxBackoff > MaxWait)
        {
            throw Invalid($"{nameof(CommitMaxBackoff)} must be at most {MaxWait}, was {options.CommitMaxBackoff}");
        }

        if (options.CommitInitialBackoff < TimeSpan.FromMilliseconds(1) || options.CommitInitialBackoff > options.CommitMaxBackoff)
        {
            throw Invalid($"{nameof(CommitInitialBackoff)} must be from 1 ms to {nameof(CommitMaxBackoff)} ({options.CommitMaxBackoff}), was {options.CommitInitialBackoff}");
        }

        if (options.CommitRetryTime is { } retryTime && (retryTime < TimeSpan.Zero || retryTime > MaxCommitRetryTime))
        {
            throw Invalid($"{nameof(CommitRetryTime)} must be null or from 0 to {MaxCommitRetryTime}, was {retryTime}");
        }
    }

    private static ArgumentException Invalid(string rule) => new($"{rule}.", "options");
}
