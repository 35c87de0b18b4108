using System.Globalization;

namespace Metering.Faults.Nodes;

/// <summary>
/// The system under test, on loopback: one PostgreSQL, two silos and two client-api processes
/// (more silos for a moment while one is replaced). Replacements take new ports, as a new pod would.
/// </summary>
internal sealed class HarnessCluster : IAsyncDisposable
{
    public const string ApiKey = "fault-harness-key";
    private const string Database = "metering_faults";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly List<AppNode> _silos = [];
    private readonly AppNode?[] _apis = new AppNode?[2];
    private readonly int[] _apiPorts = [FreePort.Next(), FreePort.Next()];
    private readonly string _clusterId = "faults-" + Guid.NewGuid().ToString("N")[..8];
    private int _nodesStarted;

    private HarnessCluster(PostgresNode postgres, string connectionString)
    {
        Postgres = postgres;
        ConnectionString = connectionString;
    }

    public PostgresNode Postgres { get; }

    /// <summary>The run's database, as the silos and front ends use it.</summary>
    public string ConnectionString { get; }

    public string DatabaseName => Database;

    /// <summary>The front ends' URLs: stable across restarts (a restarted front end takes its port again).</summary>
    public IReadOnlyList<Uri> ApiUrls => [.. _apiPorts.Select(p => new Uri($"http://127.0.0.1:{p}"))];

    public IReadOnlyList<AppNode> LiveSilos
    {
        get
        {
            lock (_silos)
            {
                return [.. _silos.Where(s => !s.HasExited)];
            }
        }
    }

    public static async Task<HarnessCluster> StartAsync(Action<string> log)
    {
        log("starting PostgreSQL");
        var postgres = await PostgresNode.StartAsync();
        string connectionString = await postgres.CreateDatabaseAsync(Database);
        var cluster = new HarnessCluster(postgres, connectionString);
        log("starting two silos and two front ends");
        await Task.WhenAll(cluster.StartSiloAsync(), cluster.StartSiloAsync());
        await Task.WhenAll(cluster.StartApiAsync(0), cluster.StartApiAsync(1));
        return cluster;
    }

    /// <summary>Starts a silo on new ports and waits until it serves; <paramref name="clockOffsetSeconds"/> runs its wall clock behind (libfaketime).</summary>
    public async Task<AppNode> StartSiloAsync(int clockOffsetSeconds = 0)
    {
        int siloPort = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Metering"] = ConnectionString,
            ["Orleans__ClusterId"] = _clusterId,
            ["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        if (clockOffsetSeconds != 0)
        {
            foreach (var (key, value) in FakeClock.Environment(clockOffsetSeconds))
            {
                environment[key] = value;
            }
        }

        int n = Interlocked.Increment(ref _nodesStarted);
        var silo = AppNode.Start($"silo-{n}", "silo", FreePort.Next(), environment, siloPort, clockOffsetSeconds != 0);
        lock (_silos)
        {
            _silos.Add(silo);
        }

        await silo.WaitReadyAsync("/readyz", StartTimeout);
        return silo;
    }

    /// <summary>Starts (or restarts) front end <paramref name="index"/> on its own port.</summary>
    public async Task StartApiAsync(int index)
    {
        var api = AppNode.Start($"client-api-{index}", "client-api", _apiPorts[index], new Dictionary<string, string>
        {
            ["ConnectionStrings__Metering"] = ConnectionString,
            ["Orleans__ClusterId"] = _clusterId,
            ["Metering__ApiKeys__harness__Key"] = ApiKey,
            ["Metering__ApiKeys__harness__Scopes"] = "relay,admin",
        });
        _apis[index] = api;
        await api.WaitReadyAsync("/readyz", StartTimeout);
    }

    public AppNode Api(int index) => _apis[index] ?? throw new InvalidOperationException($"front end {index} is not started");

    /// <summary>
    /// Waits until the membership table says one of <paramref name="silos"/> is dead (Orleans'
    /// failure detection has acted), at most <paramref name="max"/>; returns the dead one, or null.
    /// </summary>
    public async Task<AppNode?> WaitDeclaredDeadAsync(IReadOnlyList<AppNode> silos, TimeSpan max)
    {
        const int Dead = 6; // Orleans SiloStatus.Dead
        await using var db = Npgsql.NpgsqlDataSource.Create(ConnectionString);
        var deadline = DateTime.UtcNow + max;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var cmd = db.CreateCommand("SELECT Port FROM OrleansMembershipTable WHERE DeploymentId = $1 AND Status = $2");
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = _clusterId });
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = Dead });
                var dead = new HashSet<int>();
                await using (var reader = await cmd.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        dead.Add(reader.GetInt32(0));
                    }
                }

                if (silos.FirstOrDefault(s => dead.Contains(s.SiloPort)) is { } declared)
                {
                    return declared;
                }
            }
            catch (Npgsql.NpgsqlException)
            {
                // PostgreSQL may itself be down in a mixed fault: look again.
            }

            await Task.Delay(250);
        }

        return null;
    }

    /// <summary>Starts silos until <paramref name="count"/> live ones serve (after a crash, a pause or a partition took some out).</summary>
    public async Task RestoreSilosAsync(int count = 2)
    {
        while (LiveSilos.Count(s => !s.IsPaused) < count)
        {
            await StartSiloAsync();
        }
    }

    /// <summary>Waits until both front ends answer their readiness probe.</summary>
    public async Task WaitApisReadyAsync()
    {
        for (int i = 0; i < _apis.Length; i++)
        {
            if (Api(i).HasExited)
            {
                await StartApiAsync(i);
            }
            else
            {
                await Api(i).WaitReadyAsync("/readyz", StartTimeout);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var api in _apis)
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }
}
