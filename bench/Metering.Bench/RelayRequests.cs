using System.Globalization;
using System.Text;
using Metering.GrainInterfaces.Common;

namespace Metering.Bench;

/// <summary>
/// What a relay sends for one account kind (API.md's bodies), and what an admin sends first so
/// that every reserve fits: a pool's limit, a tier's monthly quota, a port's hard cap, each at
/// <see cref="Limits.MaxAmount"/> (the check still runs on every reserve, it never refuses).
/// Bodies are built from constant pieces around the requestId, so the load generator spends
/// almost nothing on them. The amounts are the plain SQL baseline's too (<see cref="PlainSqlLifecycle"/>).
/// Immutable; safe to share between threads.
/// </summary>
internal sealed class RelayRequests
{
    /// <summary>A pool reserve: 2,000 micro-USD, a small chat call's estimate.</summary>
    public const long PoolReserveMicros = 2_000;

    /// <summary>A pool commit: the call cost less than estimated, as most do.</summary>
    public const long PoolActualMicros = 1_500;

    /// <summary>An install reserve: 1 credit, what relays reserve per call.</summary>
    public const long InstallCredits = 1;

    /// <summary>A port reserve: 1,000 tokens estimated.</summary>
    public const long PortEstimatedTokens = 1_000;

    /// <summary>A port commit: 600 in and 400 out, the estimate exactly.</summary>
    public const long PortInputTokens = 600;

    public const long PortOutputTokens = 400;

    /// <summary>The tier install reserves name; its monthly quota is set to <see cref="Limits.MaxAmount"/> so the quota is checked, never short.</summary>
    public const string InstallTier = "pro";

    private static readonly string Max = Limits.MaxAmount.ToString(CultureInfo.InvariantCulture);

    private readonly string _reservePrefix;
    private readonly string _reserveSuffix;

    private RelayRequests(AccountKind kind, string route, string reserveSuffix, string commitBody)
    {
        Kind = kind;
        Route = route;
        _reservePrefix = "{\"requestId\":\"";
        _reserveSuffix = "\"," + reserveSuffix;
        CommitBody = Encoding.UTF8.GetBytes(commitBody);
    }

    public AccountKind Kind { get; }

    /// <summary>The kind's route segment: pools, installs or ports.</summary>
    public string Route { get; }

    /// <summary>The commit's body: the same for every call (the requestId is in the path).</summary>
    public byte[] CommitBody { get; }

    public static RelayRequests For(AccountKind kind) => kind switch
    {
        AccountKind.Pools => new(
            kind, "pools",
            $"\"reserveMicros\":{PoolReserveMicros},\"usageType\":\"chat\"}}",
            $"{{\"actualMicros\":{PoolActualMicros},\"promptTokens\":600,\"completionTokens\":400,\"model\":\"bench-model\"}}"),
        AccountKind.Installs => new(
            kind, "installs",
            $"\"tier\":\"{InstallTier}\",\"hasHardware\":true,\"credits\":{InstallCredits}}}",
            $"{{\"backend\":\"gemini\",\"credits\":{InstallCredits}}}"),
        AccountKind.Ports => new(
            kind, "ports",
            $"\"estimatedTokens\":{PortEstimatedTokens},\"feature\":\"chat\"}}",
            $"{{\"inputTokens\":{PortInputTokens},\"outputTokens\":{PortOutputTokens},\"provider\":\"bench\",\"model\":\"bench-model\"}}"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an account kind"),
    };

    /// <summary>The <paramref name="n"/>th account of the many-account workload (1-based, as pgbench's random(1, N)).</summary>
    public string AccountId(int n) => $"bench-{Route}-{n:D6}";

    /// <summary>The one account of the hot workload.</summary>
    public string HotAccountId => $"bench-{Route}-hot";

    public string ReservationsPath(string accountId) => $"v1/{Route}/{accountId}/reservations";

    public string CommitPath(string accountId, string requestId) => $"v1/{Route}/{accountId}/reservations/{requestId}/commit";

    public byte[] ReserveBody(string requestId) => Encoding.UTF8.GetBytes(_reservePrefix + requestId + _reserveSuffix);

    /// <summary>Admin requests made once per kind before any account's (the installs' tier quota).</summary>
    public IEnumerable<(HttpMethod Method, string Path, string? Body)> KindSetup() => Kind switch
    {
        AccountKind.Installs => [(HttpMethod.Put, $"v1/admin/tiers/{InstallTier}", $"{{\"monthly\":{Max},\"geminiCapMonthly\":null}}")],
        _ => [],
    };

    /// <summary>
    /// The request that prepares one account, answered 200: a pool's limit, a port's budget, or
    /// (installs, which need nothing) a read that activates its grain as the others' writes do,
    /// so that activation is not measured on any kind.
    /// </summary>
    public (HttpMethod Method, string Path, string? Body) AccountSetup(string accountId) => Kind switch
    {
        AccountKind.Pools => (HttpMethod.Put, $"v1/admin/pools/{accountId}", $"{{\"limitMicros\":{Max}}}"),
        AccountKind.Installs => (HttpMethod.Get, $"v1/installs/{accountId}", null),
        AccountKind.Ports => (HttpMethod.Put, $"v1/ports/{accountId}/budget",
            $"{{\"enabled\":true,\"softCapTokens\":{Max},\"hardCapTokens\":{Max},\"period\":\"month\"}}"),
        _ => throw new InvalidOperationException($"no setup for {Kind}"),
    };
}
