using System.Diagnostics;

namespace Metering.Bench;

/// <summary>
/// The accounts the dashboard scenario's views list, made through the public HTTP API as an
/// operator and relays make them, so that every row, audit record and board entry is what the
/// system itself stored: per kind with a list view, N accounts, each with a limit and some use.
/// Pools: a limit, then one call reserved and committed. Installs: one call reserved and
/// committed on tier core, then one reservation left open for a day. Ports: an enabled budget,
/// then one usage record. Amounts differ from account to account, so the lists' bars and the
/// overview's nearest limits show a spread, not one value.
/// </summary>
internal static class DashboardAccounts
{
    /// <summary>Concurrent requests while making accounts: as the http scenario's set-up, enough to keep both cores busy.</summary>
    public const int Connections = 32;

    /// <summary>A line every so often, so that making 10,000 accounts of a kind never looks stuck.</summary>
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);

    /// <summary>Every pool's limit: $10.</summary>
    public const long PoolLimitMicros = 10_000_000;

    /// <summary>Every port's hard cap; the soft cap is <see cref="PortSoftCapTokens"/>, so some ports are past it.</summary>
    public const long PortHardCapTokens = 1_000_000;

    public const long PortSoftCapTokens = 800_000;

    /// <summary>The tier installs reserve on: core, 100 credits for the install's lifetime by default.</summary>
    public const string InstallTier = "core";

    /// <summary>The requestId of each account's committed call (pools, installs) or usage record (ports).</summary>
    public const string CallRequestId = "dash-call-1";

    /// <summary>The requestId of each install's open reservation.</summary>
    private const string OpenRequestId = "dash-hold-1";

    /// <summary>The longest hold the API allows (86,400 s): it stays open through any run.</summary>
    private const int OpenHoldSeconds = 86_400;

    /// <summary>The kinds with a list view, in the order they are made.</summary>
    public static IReadOnlyList<AccountKind> Kinds { get; } = [AccountKind.Pools, AccountKind.Installs, AccountKind.Ports];

    /// <summary>The <paramref name="n"/>th account of a kind (1-based); six digits, so ids sort as numbers up to 100,000.</summary>
    public static string Id(AccountKind kind, int n) => kind switch
    {
        AccountKind.Pools => $"dash-pool-{n:D6}",
        AccountKind.Installs => $"dash-install-{n:D6}",
        AccountKind.Ports => $"dash-port-{n:D6}",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an account kind"),
    };

    /// <summary>Makes <paramref name="accounts"/> accounts of every kind in <see cref="Kinds"/>, kind after kind.</summary>
    public static async Task<IReadOnlyList<AccountSetup>> CreateAsync(RelayLoad api, int accounts, CancellationToken ct)
    {
        var made = new List<AccountSetup>();
        foreach (var kind in Kinds)
        {
            made.Add(await CreateKindAsync(api, kind, accounts, ct));
        }

        return made;
    }

    /// <summary>
    /// The requests that make account <paramref name="n"/>, in order (each answered 200 or 201,
    /// or the run stops). The use is spread over 1 % to 99 % of the limit by a step prime to the
    /// range, so neighbouring accounts differ.
    /// </summary>
    public static IReadOnlyList<(HttpMethod Method, string Path, string? Body)> Requests(AccountKind kind, int n)
    {
        string id = Id(kind, n);
        long spread = (long)n * 7_919;
        switch (kind)
        {
            case AccountKind.Pools:
                long micros = 100_000 + (spread % 9_800_000);
                return
                [
                    (HttpMethod.Put, $"v1/admin/pools/{id}", $"{{\"limitMicros\":{PoolLimitMicros}}}"),
                    (HttpMethod.Post, $"v1/pools/{id}/reservations", $"{{\"requestId\":\"{CallRequestId}\",\"reserveMicros\":{micros},\"usageType\":\"chat\"}}"),
                    (HttpMethod.Post, $"v1/pools/{id}/reservations/{CallRequestId}/commit",
                        $"{{\"actualMicros\":{micros},\"promptTokens\":600,\"completionTokens\":400,\"model\":\"bench-model\"}}"),
                ];
            case AccountKind.Installs:
                long credits = 1 + (spread % 60);
                return
                [
                    (HttpMethod.Post, $"v1/installs/{id}/reservations",
                        $"{{\"requestId\":\"{CallRequestId}\",\"tier\":\"{InstallTier}\",\"hasHardware\":true,\"credits\":{credits}}}"),
                    (HttpMethod.Post, $"v1/installs/{id}/reservations/{CallRequestId}/commit", "{}"),
                    (HttpMethod.Post, $"v1/installs/{id}/reservations",
                        $"{{\"requestId\":\"{OpenRequestId}\",\"tier\":\"{InstallTier}\",\"hasHardware\":true,\"credits\":1,\"ttlSeconds\":{OpenHoldSeconds}}}"),
                ];
            case AccountKind.Ports:
                long tokens = 10_000 + (spread % 980_000);
                long input = tokens * 3 / 5;
                return
                [
                    (HttpMethod.Put, $"v1/ports/{id}/budget",
                        $"{{\"enabled\":true,\"softCapTokens\":{PortSoftCapTokens},\"hardCapTokens\":{PortHardCapTokens},\"period\":\"month\"}}"),
                    (HttpMethod.Post, $"v1/ports/{id}/usage",
                        $"{{\"requestId\":\"{CallRequestId}\",\"inputTokens\":{input},\"outputTokens\":{tokens - input},\"provider\":\"bench\",\"model\":\"bench-model\",\"feature\":\"chat\"}}"),
                ];
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an account kind");
        }
    }

    /// <summary>One line of what each account of a kind has, for the report.</summary>
    public static string Describe(AccountKind kind) => kind switch
    {
        AccountKind.Pools => $"a limit of ${PoolLimitMicros / 1_000_000}, then one call reserved and committed for 1 % to 99 % of it",
        AccountKind.Installs => $"one call of 1 to 60 credits reserved and committed on tier {InstallTier} (100 credits lifetime), then a reservation of 1 credit left open",
        AccountKind.Ports => $"a budget enabled (soft cap {PortSoftCapTokens:N0}, hard cap {PortHardCapTokens:N0} tokens a month), then one usage record of 1 % to 99 % of the hard cap",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an account kind"),
    };

    private static async Task<AccountSetup> CreateKindAsync(RelayLoad api, AccountKind kind, int accounts, CancellationToken ct)
    {
        string route = RelayRequests.For(kind).Route;
        int perAccount = Requests(kind, 1).Count;
        Console.WriteLine($"  {route}: making {accounts:N0} accounts through the API ({perAccount} requests each, {Connections} at a time)");
        var clock = Stopwatch.StartNew();
        int next = 0;
        int done = 0;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);

        async Task Worker()
        {
            for (int n = Interlocked.Increment(ref next); n <= accounts && !failed.IsCancellationRequested; n = Interlocked.Increment(ref next))
            {
                foreach (var (method, path, body) in Requests(kind, n))
                {
                    await api.SetupAsync(method, path, body, failed.Token);
                }

                Interlocked.Increment(ref done);
            }
        }

        Exception? cause = null;

        async Task Guarded()
        {
            try
            {
                await Worker();
            }
            catch (Exception error) when (!ct.IsCancellationRequested)
            {
                // The first failure (a refused request, no answer) is the cause; it stops the
                // others, whose cancellations are not worth reporting.
                if (Interlocked.CompareExchange(ref cause, error, null) is null)
                {
                    await failed.CancelAsync();
                }
            }
        }

        var all = Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Guarded()));
        while (await Task.WhenAny(all, Task.Delay(ProgressEvery, failed.Token)) != all && !failed.IsCancellationRequested)
        {
            Console.WriteLine($"    {route}: {Volatile.Read(ref done):N0} of {accounts:N0} accounts made ({clock.Elapsed.TotalSeconds:N0} s)");
        }

        await all;
        ct.ThrowIfCancellationRequested();
        if (cause is not null)
        {
            throw new InvalidOperationException($"dashboard: making {route} failed: {cause.Message}", cause);
        }

        var setup = new AccountSetup(kind, accounts, (long)accounts * perAccount, clock.Elapsed);
        Console.WriteLine($"  {route}: {accounts:N0} accounts made in {setup.Elapsed.TotalSeconds:N1} s ({setup.RequestsPerSecond:N0} requests/s)");
        return setup;
    }
}

/// <summary>How one kind's accounts were made: <paramref name="Requests"/> requests, all answered 200 or 201, in <paramref name="Elapsed"/>.</summary>
internal sealed record AccountSetup(AccountKind Kind, int Accounts, long Requests, TimeSpan Elapsed)
{
    public double RequestsPerSecond => Requests / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
