namespace Metering.GrainInterfaces.Common;

/// <summary>
/// Every bound of the system in one place, with its unit and the reason for its value.
/// Reaching a bound always gives a clear answer (400, 413, 429 or 503), never unbounded memory.
/// <c>LimitsTests</c> checks that these agree with each other.
/// </summary>
public static class Limits
{
    /// <summary>Largest amount (credits, tokens, micro-USD) in any request: 10^15, per the API contract.</summary>
    public const long MaxAmount = 1_000_000_000_000_000;

    /// <summary>Longest identifier, in characters.</summary>
    public const int MaxIdentifierLength = 128;

    /// <summary>Default hold lifetime, in seconds.</summary>
    public const int DefaultTtlSeconds = 300;

    /// <summary>Shortest hold lifetime, in seconds.</summary>
    public const int MinTtlSeconds = 1;

    /// <summary>Longest hold lifetime, in seconds (one day).</summary>
    public const int MaxTtlSeconds = 86_400;

    /// <summary>Largest request body, in bytes, except usage-event batches.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Largest usage-event batch body, in bytes.</summary>
    public const int MaxBatchBodyBytes = 1024 * 1024;

    /// <summary>Default page size of list endpoints, in items.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Largest page size of list endpoints, in items.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Longest daily series (a port's tokens, a tenant's charges), in days, per the API contract.</summary>
    public const int MaxSeriesDays = 400;

    /// <summary>
    /// Most rows one daily series answers (days × features, or days × deployments): a year of 100
    /// features or deployments fits, and the answer stays a few MiB. Past it: 400 (ask for a
    /// shorter range), never an unbounded answer.
    /// </summary>
    public const int MaxSeriesRows = 50_000;

    /// <summary>
    /// Seconds of ledger activity a silo sums for the dashboard's overview (operations per second,
    /// flush batch size and latency): one-second buckets, so a minute is 60 small buckets.
    /// </summary>
    public const int ActivityWindowSeconds = 60;

    /// <summary>
    /// Most distinct (kind, operation, outcome) series a silo counts: about 3 × 8 × 15 exist;
    /// anything past the bound is counted under "other" rather than growing memory.
    /// </summary>
    public const int MaxActivitySeries = 256;

    /// <summary>
    /// Most silos and front ends the overview remembers reports from: far beyond any real cluster.
    /// A report older than <see cref="ActivityFreshSeconds"/> is forgotten.
    /// </summary>
    public const int MaxReportingProcesses = 1_000;

    /// <summary>How long a silo's or front end's report counts in the overview, in seconds: three missed reports.</summary>
    public const int ActivityFreshSeconds = 30;

    /// <summary>Accounts the overview lists as nearest their limits.</summary>
    public const int NearestLimitsShown = 10;

    /// <summary>
    /// Most accounts each silo keeps on its board of those nearest their limits (and reports to the
    /// overview every few seconds). Ten times what is shown, so an account that leaves the top
    /// (a grant, a new period) is replaced by one the board already knows. Past it, a new account
    /// takes the place of the emptiest only when it is fuller.
    /// </summary>
    public const int NearLimitsTracked = 100;

    /// <summary>
    /// Most open holds one account may have at once. A relay fleet holds one per in-flight model
    /// call; 8,192 in flight on one account is far beyond any real fleet, and the bound keeps the
    /// grain's memory and its activation load time small. It also keeps the sum of holds of
    /// <see cref="MaxAmount"/> each inside a long, even on an unlimited account. Past it: 429.
    /// </summary>
    public const int MaxOpenHoldsPerAccount = 8_192;

    /// <summary>
    /// Most operations in one flush (one PostgreSQL transaction) of one account. At ~100 rows per
    /// transaction PostgreSQL already writes ~160k rows/s on these machines; 512 keeps a
    /// transaction short (well under 10 ms) while letting a hot account amortize its commits.
    /// </summary>
    public const int MaxFlushBatch = 512;

    /// <summary>
    /// Most accounts in one shared flush (one transaction of a silo's writer). Each statement of
    /// a flush covers every account in it, so a transaction of 256 cold accounts costs about what
    /// one of a single account does; past a few hundred rows per statement the gain flattens and
    /// the transaction holds its row locks longer.
    /// </summary>
    public const int MaxFlushAccounts = 256;

    /// <summary>Most operations in one shared flush: eight full account batches.</summary>
    public const int MaxFlushOperations = 8 * MaxFlushBatch;

    /// <summary>
    /// Most operations waiting for a silo's writer (account batches queued, not counting the
    /// transactions in flight). Past it an account refuses new writes with 503 and nothing is
    /// staged: the database is not keeping up, and queueing more would only add latency.
    /// </summary>
    public const int MaxQueuedFlushOperations = 64 * 1024;

    /// <summary>
    /// How long an account's batch waits for room in its silo's full writer queue (the queue
    /// filled after the account checked it) before the account gives up, fails the batch's
    /// callers with 503 and reloads, in milliseconds.
    /// </summary>
    public const int QueueFullWaitMilliseconds = 1_000;

    /// <summary>
    /// Shared flush transactions in flight at once per silo. Two let one batch gather while the
    /// other commits (PostgreSQL's commit is the wait, not its CPU); more would mostly add
    /// connections: each writer holds one while it writes.
    /// </summary>
    public const int FlushWriters = 2;

    /// <summary>
    /// Most staged writes of one account not yet durable (in the running flush and queued behind
    /// it). Past it the account answers 503 and the caller retries;
    /// eight full batches is enough to absorb bursts without letting latency grow unbounded.
    /// </summary>
    public const int MaxPendingOperations = 8 * MaxFlushBatch;

    /// <summary>
    /// Most finished operations (commits, releases, closed holds) one account keeps in memory for
    /// fast idempotent replay. Older ones are answered from the PostgreSQL journal.
    /// </summary>
    public const int MaxRememberedOutcomes = 20_000;

    /// <summary>How many of the newest journal entries an account loads at activation, so that
    /// retries right after a failover are answered from memory.</summary>
    public const int JournalEntriesLoadedAtActivation = 2_000;

    /// <summary>
    /// Most keys one journal lookup (one query) asks PostgreSQL for at once, when an account's
    /// memory no longer knows every key it has journaled: as many as one flush writes, so a hot
    /// account's reads keep pace with its writes in round trips.
    /// </summary>
    public const int MaxJournalLookupBatch = MaxFlushBatch;

    /// <summary>
    /// How long a silo's subscription to tier-quota changes lasts, in seconds; each silo renews
    /// it (and re-reads the quotas) every half of that. A silo that missed a change notice (a
    /// lost message, the quotas grain moved to another silo) uses old quotas for at most half
    /// of this; normally a change reaches every silo before the admin's PUT is answered.
    /// </summary>
    public const int TierQuotasSubscriptionSeconds = 20;

    /// <summary>Most silos subscribed to tier-quota changes at once: far above any real cluster.</summary>
    public const int MaxTierQuotasSubscribers = 1_000;

    /// <summary>Longest label (a pool's usage type, a model name), in characters.</summary>
    public const int MaxLabelLength = 128;

    /// <summary>Longest free-text note (a grant's note), in characters.</summary>
    public const int MaxNoteLength = 1024;

    /// <summary>
    /// Largest <c>callDetails</c> of a pool call, in bytes of JSON: enough for request metadata
    /// (ids, parameters, a short prompt summary), small enough that an audit page of
    /// <see cref="MaxPageSize"/> records stays a few MiB at most.
    /// </summary>
    public const int MaxCallDetailsBytes = 4 * 1024;

    /// <summary>
    /// Most distinct features one port may use within the kept usage window
    /// (<see cref="PortUsageWindowDays"/>): usage is kept per day and feature, in memory for the
    /// window, so this bounds a port's memory (31 × 1,000 cells at most). Past it: 429.
    /// </summary>
    public const int MaxFeaturesPerPort = 1_000;

    /// <summary>
    /// Days of per-feature usage a port keeps in memory: the longest period (a month) is at most
    /// 31 days, so any period's usage can be summed at read time, whatever the period is switched to.
    /// </summary>
    public const int PortUsageWindowDays = 31;

    /// <summary>Most events in one <c>/v1/usage-events/batch</c> request, per the API contract.</summary>
    public const int MaxEventsPerBatch = 1000;

    /// <summary>
    /// Most events one ingest flush (one PostgreSQL transaction) writes. At this size a multi-row
    /// insert plus its rollup upserts stays well under 100 ms on these machines, and a full HTTP
    /// batch (<see cref="MaxEventsPerBatch"/>) always fits in one flush.
    /// </summary>
    public const int MaxIngestFlushEvents = 4 * MaxEventsPerBatch;

    /// <summary>
    /// Most events waiting in one silo's ingest worker (in the running flush and queued behind
    /// it). Past it the request answers 503 and the caller retries (events are idempotent).
    /// </summary>
    public const int MaxPendingIngestEvents = 16 * MaxEventsPerBatch;

    /// <summary>Most fractional digits of a customer charge, per the API contract.</summary>
    public const int MaxChargeFractionDigits = 10;

    /// <summary>
    /// Most integer digits of a customer charge: under a billion dollars per call, which no real
    /// call approaches, and small enough that an invoice line's cents fit a long for any
    /// realistic number of events (9 × 10^7 maximal charges in one line).
    /// </summary>
    public const int MaxChargeIntegerDigits = 9;

    /// <summary>Longest invoice period, in days: two years of daily rollups per deployment at most.</summary>
    public const int MaxInvoicePeriodDays = 731;

    /// <summary>
    /// How long request keys are guaranteed to be remembered, in hours (the contract says at least
    /// 24), after their last use. The retention clean-up refuses to start with a shorter setting.
    /// </summary>
    public const int RequestIdRetentionHours = 24;

    /// <summary>
    /// Fewest days raw usage events are kept (the retention setting's floor). Events older than the
    /// setting are refused at ingest, because their duplicates could no longer be recognized, so
    /// the window must outlast any gateway's resend queue by far; a month also keeps the raw
    /// events of the last invoiced month at hand for a dispute.
    /// </summary>
    public const int MinUsageEventRetentionDays = 31;

    /// <summary>
    /// Longest either retention setting may be, in days (ten years): long enough for any real
    /// policy, short enough that "now minus the retention" never leaves the range of a time.
    /// </summary>
    public const int MaxRetentionDays = 3_650;

    /// <summary>
    /// Hours between the age at which a usage event is refused at ingest and the age at which its
    /// row is deleted. The silo that deletes and the silo that refuses read different clocks, and an
    /// event must never be deleted while another silo would still accept its duplicate; a day is
    /// far beyond any clock difference between silos.
    /// </summary>
    public const int UsageEventDeleteMarginHours = 24;

    /// <summary>
    /// Most candidate rows one retention statement looks at (journal rows, or usage events). A
    /// journal statement deletes the keys of at most that many rows, each with its hold and its few
    /// journal rows (reserve and commit or release): a few tens of milliseconds of work, so a
    /// statement never holds locks long nor writes a huge transaction, and a run can stop between
    /// any two statements.
    /// </summary>
    public const int RetentionBatchRows = 5_000;

    /// <summary>
    /// Longest one retention statement may wait for a row lock, in milliseconds. A flush holds its
    /// rows for milliseconds; waiting longer means something is stuck, and the run stops (the next
    /// one retries) rather than keep the rows it already locked.
    /// </summary>
    public const int RetentionLockWaitMilliseconds = 5_000;

    /// <summary>
    /// Longest one retention statement may run, in seconds, lock waits included: a batch takes
    /// tens of milliseconds, so this only stops a pathological plan from running unbounded.
    /// </summary>
    public const int RetentionStatementSeconds = 30;

    /// <summary>Shortest time between two retention runs, in minutes.</summary>
    public const int MinRetentionIntervalMinutes = 1;

    /// <summary>Longest time between two retention runs, in minutes: a day, so rows never wait much past their retention.</summary>
    public const int MaxRetentionIntervalMinutes = 1_440;

    /// <summary>
    /// Longest a retention run may keep deleting, in seconds (an hour): it stops between two
    /// statements once its time is up, and the next run goes on where the rows still are.
    /// </summary>
    public const int MaxRetentionRunSeconds = 3_600;
}
