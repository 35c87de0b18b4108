using System.Net;
using System.Text.Json;
using Metering.Tests.Http;
using Metering.Tests.Support;

namespace Metering.Tests.Telemetry;

/// <summary>
/// The Grafana dashboard (deploy/grafana/metering.json) against what the processes export: it
/// parses, and every expression names metrics that the silo's or client-api's <c>/metrics</c>
/// actually serve (after a reserve, a refusal and their flushes), with labels those series carry.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class DashboardTests(TelemetryFixture fixture)
{
    // Labels Prometheus adds when it scrapes (job, instance) and the bucket bound of histograms.
    private static readonly string[] ScrapeLabels = ["job", "instance", "le"];

    private static string DashboardPath => Path.Combine(RepoPaths.Root, "deploy", "grafana", "metering.json");

    [Fact]
    public void Dashboard_Parses_WithPanelsThatQueryThePrometheusDatasource()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = dashboard.RootElement;

        Assert.Equal("metering-ledger", root.GetProperty("uid").GetString());
        Assert.Contains(root.GetProperty("templating").GetProperty("list").EnumerateArray(), v => v.GetProperty("name").GetString() == "datasource" && v.GetProperty("type").GetString() == "datasource");
        var panels = Panels(root).ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.All(panels.Where(p => p.GetProperty("type").GetString() != "row"), panel =>
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
            Assert.False(string.IsNullOrWhiteSpace(panel.GetProperty("description").GetString()));
        });
    }

    [Fact]
    public async Task EveryExpression_UsesMetricsAndLabelsTheProcessesExport()
    {
        string pool = $"pool-dash-{Guid.NewGuid():N}";
        await fixture.Http.Send(HttpMethod.Put, $"/v1/admin/pools/{pool}", TelemetryFixture.AdminKey, """{"limitMicros":100}""");
        var created = await fixture.Http.Send(HttpMethod.Post, $"/v1/pools/{pool}/reservations", TelemetryFixture.RelayKey, """{"requestId":"a","reserveMicros":60,"usageType":"chat"}""");
        var refused = await fixture.Http.Send(HttpMethod.Post, $"/v1/pools/{pool}/reservations", TelemetryFixture.RelayKey, """{"requestId":"b","reserveMicros":60,"usageType":"chat"}""");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.PaymentRequired), (created.Status, refused.Status));

        var exported = await PrometheusNames.ScrapeAsync(fixture.SiloMetrics);
        foreach (var (name, labels) in await PrometheusNames.ScrapeAsync(fixture.Http))
        {
            exported.TryAdd(name, []);
            exported[name].UnionWith(labels);
        }

        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var expressions = Panels(dashboard.RootElement)
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (Panel: p.GetProperty("title").GetString(), Expr: t.GetProperty("expr").GetString()!)))
            .ToList();
        Assert.NotEmpty(expressions);
        foreach (var (panel, expr) in expressions)
        {
            var (metrics, labels) = PromQlNames.Read(expr);
            Assert.True(metrics.Count > 0, $"{panel}: no metric in {expr}");
            var missing = metrics.Where(m => !exported.ContainsKey(m)).ToList();
            Assert.True(missing.Count == 0, $"{panel}: {string.Join(", ", missing)} not exported ({expr})");
            var carried = metrics.SelectMany(m => exported[m]).Concat(ScrapeLabels).ToHashSet();
            var unknown = labels.Where(l => !carried.Contains(l)).ToList();
            Assert.True(unknown.Count == 0, $"{panel}: labels {string.Join(", ", unknown)} on none of {string.Join(", ", metrics)}");
        }
    }

    [Theory]
    [InlineData("""sum by (status) (rate(metering_ledger_flush_account_writes_total{status!="committed"}[5m])) or vector(0)""", "metering_ledger_flush_account_writes_total", "status")]
    [InlineData("""histogram_quantile(0.99, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket[$__rate_interval])))""", "http_server_request_duration_seconds_bucket", "le,http_route")]
    [InlineData("""sum(rate(a_total[5m])) / clamp_min(sum(rate(b_count[5m])), 1e-9)""", "a_total,b_count", "")]
    public void PromQlNames_ReadsMetricsAndLabels(string expr, string metrics, string labels)
    {
        var read = PromQlNames.Read(expr);

        Assert.Equal(metrics.Split(',').Order(), read.Metrics.Order());
        Assert.Equal(labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(), read.Labels.Order());
    }

    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }
}
