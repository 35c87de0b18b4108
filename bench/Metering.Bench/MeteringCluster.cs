using System.Security.Cryptography;

namespace Metering.Bench;

/// <summary>
/// The system as it is deployed, on the benchmark's PostgreSQL: one silo process and one
/// client-api process, both from their Release dlls and configured as API.md "Running it" says
/// (and as scripts/dev-up.sh does), on free loopback ports and a cluster id of their own, with one
/// API key of scopes relay and admin made up for the run. Disposing stops client-api, then the silo.
/// </summary>
internal sealed class MeteringCluster : IAsyncDisposable
{
    /// <summary>The key's name in configuration (Metering:ApiKeys:{name}); the key itself is random per run.</summary>
    private const string KeyName = "bench";

    private const string SiloDll = "silo/bin/Release/net10.0/Metering.Silo.dll";

    private const string ApiDll = "client-api/bin/Release/net10.0/Metering.ClientApi.dll";

    private readonly ServiceProcess _silo;
    private readonly ServiceProcess _api;

    private MeteringCluster(ServiceProcess silo, ServiceProcess api, Uri apiBase, string apiKey)
    {
        _silo = silo;
        _api = api;
        ApiBase = apiBase;
        ApiKey = apiKey;
    }

    /// <summary>client-api's address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri ApiBase { get; }

    /// <summary>The run's key (relay and admin): for the Authorization header only, never printed.</summary>
    public string ApiKey { get; }

    public int SiloPid => _silo.Pid;

    public int ApiPid => _api.Pid;

    /// <summary>Starts the silo (which migrates the schema), waits for its /readyz, then client-api and its /readyz.</summary>
    /// <param name="logDir">Where silo.log and client-api.log go.</param>
    public static async Task<MeteringCluster> StartAsync(string repoRoot, string connectionString, string logDir, CancellationToken ct)
    {
        string id = "bench-http-" + Guid.NewGuid().ToString("N")[..8];
        string key = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var siloUrl = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/");
        var apiUrl = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/");
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings__Metering"] = connectionString,
            ["Orleans__ClusterId"] = id,
            ["Orleans__ServiceId"] = id,
            ["DOTNET_NOLOGO"] = "1",
        };

        var silo = await ServiceProcess.StartAsync(
            "silo", Path.Combine(repoRoot, SiloDll), [$"--urls={siloUrl.ToString().TrimEnd('/')}"],
            new Dictionary<string, string>(common)
            {
                ["Orleans__SiloPort"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Orleans__GatewayPort"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            Path.Combine(logDir, "silo.log"), new Uri(siloUrl, "readyz"), ct);
        try
        {
            var api = await ServiceProcess.StartAsync(
                "client-api", Path.Combine(repoRoot, ApiDll), [$"--urls={apiUrl.ToString().TrimEnd('/')}"],
                new Dictionary<string, string>(common)
                {
                    [$"Metering__ApiKeys__{KeyName}__Key"] = key,
                    [$"Metering__ApiKeys__{KeyName}__Scopes"] = "relay,admin",
                },
                Path.Combine(logDir, "client-api.log"), new Uri(apiUrl, "readyz"), ct);
            return new MeteringCluster(silo, api, apiUrl, key);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Throws if either process has exited: called after every phase, so no figure comes from a dead process.</summary>
    public void ThrowIfExited()
    {
        _silo.ThrowIfExited();
        _api.ThrowIfExited();
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        await _silo.DisposeAsync();
    }
}
