using System.Net;
using System.Text.Json;
using Metering.ClientApi.Hosting;
using Metering.Tests.Http;
using Metering.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Metering.Tests.Telemetry;

/// <summary>
/// client-api's logs as a pod prints them (its appsettings.json, the JSON console formatter the
/// Kubernetes configuration selects), every category at Trace: requests with keys, answered,
/// refused and unauthenticated, leave no key text and no Authorization header in any line, and
/// each line of a request carries its request id and trace id, the trace id its problem answered.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class LogScopeTests(TelemetryFixture fixture) : IAsyncLifetime
{
    private const string AdminKey = "log-admin-key-3b8e0c";
    private const string RelayKey = "log-relay-key-51d7aa";
    private const string UnknownKey = "log-unknown-key-e4f019";

    private WebApplication _api = null!;
    private HttpClient _http = null!;
    private JsonLogCapture _logs = null!;

    public async ValueTask InitializeAsync()
    {
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        web.WebHost.UseTestServer();
        web.Configuration.AddJsonFile(RepoPaths.Of("client-api/appsettings.json"), optional: false);
        var everything = web.Configuration.GetSection("Logging:LogLevel").GetChildren()
            .ToDictionary(level => $"Logging:LogLevel:{level.Key}", _ => (string?)"Trace");
        web.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(everything)
        {
            // As deploy/k8s/base/configmap.yaml sets it.
            ["Logging:Console:FormatterName"] = ConsoleFormatterNames.Json,
            ["Metering:ApiKeys:admin:Key"] = AdminKey,
            ["Metering:ApiKeys:admin:Scopes"] = "admin",
            ["Metering:ApiKeys:relay:Key"] = RelayKey,
            ["Metering:ApiKeys:relay:Scopes"] = "relay",
        });
        // The console provider's formatters and options stay; its output to stdout goes.
        web.Logging.ClearProviders();
        web.Services.AddSingleton<ILoggerProvider>(services =>
            _logs = new JsonLogCapture(services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json)));
        web.AddMeteringApi();
        web.Services.AddSingleton(fixture.Cluster.Client);
        web.Services.AddSingleton<IGrainFactory>(fixture.Cluster.Client);
        _api = web.Build();
        _api.MapMeteringApi();
        await _api.StartAsync();
        _http = _api.GetTestClient();
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task RequestsWithKeys_LogNoKey_AndEveryLineOfARequestCarriesItsRequestAndTraceIds()
    {
        string pool = $"pool-logs-{Guid.NewGuid():N}";
        string reservations = $"/v1/pools/{pool}/reservations";
        var setUp = await _http.Send(HttpMethod.Put, $"/v1/admin/pools/{pool}", AdminKey, """{"limitMicros":100}""");
        var created = await _http.Send(HttpMethod.Post, reservations, RelayKey, """{"requestId":"a","reserveMicros":60,"usageType":"chat"}""");
        var refused = await _http.Send(HttpMethod.Post, reservations, RelayKey, """{"requestId":"b","reserveMicros":60,"usageType":"chat"}""");
        var unknown = await _http.Send(HttpMethod.Get, $"/v1/pools/{pool}", UnknownKey);

        Assert.Equal(
            (HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.PaymentRequired, HttpStatusCode.Unauthorized),
            (setUp.Status, created.Status, refused.Status, unknown.Status));
        var lines = _logs.Lines;
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            Assert.DoesNotContain(AdminKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain(RelayKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain(UnknownKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain("Bearer", line, StringComparison.OrdinalIgnoreCase);
        });

        AssertRequestLines(lines, refused.Body, reservations);
        AssertRequestLines(lines, unknown.Body, $"/v1/pools/{pool}");
    }

    /// <summary>The lines logged for the request that answered <paramref name="problem"/>: found by its trace id, each with the request's id and path.</summary>
    private static void AssertRequestLines(IReadOnlyList<string> lines, JsonElement problem, string path)
    {
        string traceId = problem.GetProperty("traceId").GetString()!;
        var scoped = lines.Select(Scopes).Where(scopes => scopes.Any(s => s.TryGetValue("TraceId", out var id) && id == traceId)).ToList();

        Assert.NotEmpty(scoped);
        Assert.All(scoped, scopes =>
        {
            var request = Assert.Single(scopes, s => s.ContainsKey("RequestId"));
            Assert.False(string.IsNullOrEmpty(request["RequestId"]));
            Assert.Equal(path, request["RequestPath"]);
        });
        Assert.Single(scoped.Select(s => s.Single(x => x.ContainsKey("RequestId"))["RequestId"]).Distinct());
    }

    /// <summary>The scopes of one JSON log line, each as its string members.</summary>
    private static List<Dictionary<string, string?>> Scopes(string line)
    {
        using var json = JsonDocument.Parse(line);
        if (!json.RootElement.TryGetProperty("Scopes", out var scopes))
        {
            return [];
        }

        return [.. scopes.EnumerateArray()
            .Where(s => s.ValueKind == JsonValueKind.Object)
            .Select(s => s.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()))];
    }
}
