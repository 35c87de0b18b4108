using Metering.Tests.Infrastructure;

namespace Metering.Tests.EndToEnd;

/// <summary>
/// The whole system as an operator runs it: its own PostgreSQL, two silo processes on different
/// ports forming one cluster through the clustering table, and one client-api process.
/// </summary>
public sealed class RunningSystem : IAsyncLifetime
{
    public const string AdminKey = "e2e-admin";

    /// <summary>A relay key that only reaches identifiers starting with <see cref="BillingPrefix"/>.</summary>
    public const string BillingKey = "e2e-billing";

    public const string BillingPrefix = "bill-";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly List<AppProcess> _silos = [];
    private AppProcess? _api;

    public PostgresServer Postgres { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public string ClusterId { get; } = $"e2e-{Guid.NewGuid():N}"[..16];

    public HttpClient Http { get; private set; } = null!;

    public Uri ApiUrl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        ConnectionString = await Postgres.CreateDatabaseAsync("e2e");
        // Two silos starting at once also race to migrate the schema.
        await Task.WhenAll(StartSiloAsync(), StartSiloAsync());

        int apiPort = FreePort.Next();
        ApiUrl = new Uri($"http://127.0.0.1:{apiPort}");
        _api = AppProcess.Start("client-api", "client-api", new Dictionary<string, string>
        {
            ["ConnectionStrings__Metering"] = ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Metering__ApiKeys__admin__Key"] = AdminKey,
            ["Metering__ApiKeys__admin__Scopes"] = "relay,admin",
            ["Metering__ApiKeys__billing__Key"] = BillingKey,
            ["Metering__ApiKeys__billing__Scopes"] = "relay",
            ["Metering__ApiKeys__billing__IdPrefix"] = BillingPrefix,
        }, $"--urls={ApiUrl}");
        using (var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            await _api.WaitReadyAsync(probe, new Uri(ApiUrl, "/readyz").ToString(), StartTimeout);
        }

        Http = new HttpClient { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
    }

    /// <summary>Starts one more silo process and waits until it is an active member.</summary>
    public async Task<AppProcess> StartSiloAsync()
    {
        int httpPort = FreePort.Next();
        int siloPort = FreePort.Next();
        var silo = AppProcess.Start($"silo-{_silos.Count}", "silo", new Dictionary<string, string>
        {
            ["ConnectionStrings__Metering"] = ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Detect crashed silos faster still than the silo's own defaults (MembershipDefaults),
            // so the failover test spends less time waiting; CrashRecoveryTests runs without these.
            ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
            ["Orleans__Membership__NumMissedProbesLimit"] = "2",
            ["Orleans__Membership__NumVotesForDeathDeclaration"] = "1",
        }, $"--urls=http://127.0.0.1:{httpPort}");
        lock (_silos)
        {
            _silos.Add(silo);
        }

        silo.SiloPort = siloPort;
        silo.HttpPort = httpPort;
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await silo.WaitReadyAsync(probe, $"http://127.0.0.1:{httpPort}/readyz", StartTimeout);
        return silo;
    }

    /// <summary>The live silos' processes.</summary>
    public IEnumerable<AppProcess> LiveSilos => _silos.Where(s => !s.HasExited);

    /// <summary>Kills the oldest live silo at once (SIGKILL), as a crash.</summary>
    public async Task KillOneSiloAsync()
    {
        var victim = _silos.First(s => !s.HasExited);
        await victim.KillAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        Http?.Dispose();
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}
