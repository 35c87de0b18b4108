using System.Diagnostics;
using System.Net;
using Metering.ClientApi.Telemetry;
using Metering.Grains.Storage;
using Metering.Silo.Hosting;
using Metering.Tests.Http;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace Metering.Tests.Telemetry;

/// <summary>
/// What a trace shows for a reserve, read off the spans both processes export: the HTTP request,
/// the grain call under it (client side, then silo side), the shared flush that made it durable
/// (a root of its own, linked to the grain call) and the flush's SQL under the flush. Relations are
/// checked by ids (parent, link), not by names alone.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TraceChainTests(TelemetryFixture fixture)
{
    private readonly string _pool = $"pool-trace-{Guid.NewGuid():N}";

    [Fact]
    public async Task Reserve_TracesHttpThenGrainCall_AndTheFlushLinkedToItWithItsSql()
    {
        await CreatePoolAsync();
        string path = $"/v1/pools/{_pool}/reservations";

        var (status, _, _) = await fixture.Http.Send(HttpMethod.Post, path, TelemetryFixture.RelayKey, """{"requestId":"r1","reserveMicros":200,"usageType":"chat"}""");

        Assert.Equal(HttpStatusCode.Created, status);
        var spans = await fixture.SpansWhen(s => Chain(s, path) is { Sql: not null });
        var chain = Chain(spans, path);
        Assert.NotNull(chain);
        var (http, grainClient, grainServer, flush, sql) = chain.Value;

        Assert.Equal(ActivityKind.Server, http.Kind);
        Assert.Equal(ActivityKind.Client, grainClient.Kind);
        Assert.Equal((http.TraceId, http.SpanId), (grainClient.TraceId, grainClient.ParentSpanId));
        Assert.Equal(ActivityKind.Server, grainServer.Kind);
        Assert.Equal((grainClient.TraceId, grainClient.SpanId), (grainServer.TraceId, grainServer.ParentSpanId));

        // The flush serves many callers: its own trace, a root, linked to this call's span.
        Assert.Equal("ledger flush", flush!.DisplayName);
        Assert.Equal(default, flush.ParentSpanId);
        Assert.NotEqual(http.TraceId, flush.TraceId);
        Assert.Contains(flush.Links, l => l.Context.TraceId == grainServer.TraceId && l.Context.SpanId == grainServer.SpanId);
        Assert.Equal(1, flush.GetTagItem("metering.flush.items"));
        Assert.Equal(1, flush.GetTagItem("metering.flush.accounts.committed"));

        // Its SQL (the account upsert, with the journal and hold rows) is under it, and none of the
        // request's trace is a flush's.
        Assert.Equal((flush.TraceId, flush.SpanId), (sql!.TraceId, sql.ParentSpanId));
        Assert.StartsWith("INSERT INTO ledger_account", sql.GetTagItem("db.query.text") as string, StringComparison.Ordinal);
        Assert.DoesNotContain(spans, s => s.Source.Name == "Npgsql" && s.TraceId == http.TraceId
            && (s.GetTagItem("db.query.text") as string ?? "").StartsWith("INSERT INTO ledger_account", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConcurrentReserves_EveryGrainCallIsLinkedFromTheFlushThatMadeItDurable()
    {
        await CreatePoolAsync();
        string path = $"/v1/pools/{_pool}/reservations";

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            fixture.Http.Send(HttpMethod.Post, path, TelemetryFixture.RelayKey, $$"""{"requestId":"c{{i}}","reserveMicros":10,"usageType":"chat"}""")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        var spans = await fixture.SpansWhen(s => ReserveCalls(s, path).Count == 8 && ReserveCalls(s, path).All(c => FlushOf(s, c) is not null));
        var calls = ReserveCalls(spans, path);
        Assert.Equal(8, calls.Count);
        Assert.All(calls, call => Assert.NotNull(FlushOf(spans, call)));
        // However they were batched, the flushes together carried the eight operations.
        var flushes = calls.Select(c => FlushOf(spans, c)!).DistinctBy(f => f.SpanId).ToList();
        Assert.Equal(8, flushes.Sum(f => f.Links.Count(l => calls.Any(c => c.SpanId == l.Context.SpanId))));
    }

    [Fact]
    public void Resources_NameEachServiceWithItsVersionAndInstance()
    {
        var api = ((TracerProvider)fixture.ApiServices.GetService(typeof(TracerProvider))!).GetResource().Attributes.ToDictionary();
        var silo = ((TracerProvider)fixture.SiloServices.GetService(typeof(TracerProvider))!).GetResource().Attributes.ToDictionary();

        Assert.Equal(ApiTelemetry.ServiceName, api["service.name"]);
        Assert.Equal("metering-client-api", api["service.name"]);
        Assert.Equal("metering-silo", silo["service.name"]);
        Assert.Equal(SiloTelemetry.ServiceName, silo["service.name"]);
        foreach (var resource in new[] { api, silo })
        {
            Assert.False(string.IsNullOrEmpty(resource["service.version"] as string));
            Assert.True(Guid.TryParse(resource["service.instance.id"] as string, out _));
            Assert.Equal(Environment.MachineName, resource["host.name"]);
        }

    }

    [Fact]
    public async Task SiloSources_AreOrleansLedgerAndNpgsqlOnes_ThatExist()
    {
        await CreatePoolAsync();
        await fixture.Http.Send(HttpMethod.Post, $"/v1/pools/{_pool}/reservations", TelemetryFixture.RelayKey, """{"requestId":"s1","reserveMicros":1,"usageType":"chat"}""");

        var spans = await fixture.SpansWhen(s => s.Any(x => x.Source.Name == ActivitySources.LifecycleActivitySourceName));

        // Every source a span came from is one the setup names (nothing unexpected is listened to),
        // and the ledger's and Orleans' activation spans are there (the sources exist).
        string[] expected =
        [
            "Microsoft.AspNetCore", ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName,
            ActivitySources.LifecycleActivitySourceName, ActivitySources.StorageActivitySourceName, LedgerTracing.ActivitySourceName, "Npgsql",
        ];
        Assert.All(spans, s => Assert.Contains(s.Source.Name, expected));
        Assert.Contains(spans, s => s.Source.Name == LedgerTracing.ActivitySourceName);
        Assert.Contains(spans, s => s.Source.Name == ActivitySources.LifecycleActivitySourceName);
    }

    private async Task CreatePoolAsync()
    {
        var (status, _, _) = await fixture.Http.Send(HttpMethod.Put, $"/v1/admin/pools/{_pool}", TelemetryFixture.AdminKey, """{"limitMicros":100000}""");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static (Activity Http, Activity GrainClient, Activity GrainServer, Activity? Flush, Activity? Sql)? Chain(IReadOnlyList<Activity> spans, string path)
    {
        var http = spans.FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && Equals(s.GetTagItem("url.path"), path));
        var grainClient = http is null ? null : spans.FirstOrDefault(s => s.Kind == ActivityKind.Client && s.ParentSpanId == http.SpanId && s.TraceId == http.TraceId);
        var grainServer = grainClient is null ? null : spans.FirstOrDefault(s => s.Kind == ActivityKind.Server && s.ParentSpanId == grainClient.SpanId);
        if (http is null || grainClient is null || grainServer is null)
        {
            return null;
        }

        var flush = FlushOf(spans, grainServer);
        var sql = flush is null ? null : spans.FirstOrDefault(s => s.Source.Name == "Npgsql" && s.ParentSpanId == flush.SpanId);
        return (http, grainClient, grainServer, flush, sql);
    }

    /// <summary>The silo-side grain call spans of the reserves sent to <paramref name="path"/>.</summary>
    private static List<Activity> ReserveCalls(IReadOnlyList<Activity> spans, string path)
    {
        var https = spans.Where(s => s.Source.Name == "Microsoft.AspNetCore" && Equals(s.GetTagItem("url.path"), path)).ToList();
        var clients = spans.Where(s => s.Kind == ActivityKind.Client && https.Any(h => h.SpanId == s.ParentSpanId)).ToList();
        return [.. spans.Where(s => s.Kind == ActivityKind.Server && s.Source.Name != "Microsoft.AspNetCore" && clients.Any(c => c.SpanId == s.ParentSpanId))];
    }

    private static Activity? FlushOf(IReadOnlyList<Activity> spans, Activity call) =>
        spans.FirstOrDefault(s => s.Source.Name == LedgerTracing.ActivitySourceName && s.Links.Any(l => l.Context.SpanId == call.SpanId && l.Context.TraceId == call.TraceId));
}
