using System.Net;
using System.Text;
using System.Text.Json;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.GrainInterfaces.Pools;
using Metering.PoolBilling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Metering.Tests.EndToEnd;

/// <summary>
/// The system as an operator starts it: silo and client-api processes configured as API.md
/// "Running it" says, PostgreSQL underneath. Slow (processes start), so few and broad.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RunningSystemTests(RunningSystem system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ParallelHttpReserves_ThroughTwoSilos_NeverPassTheQuota()
    {
        string install = $"e2e-hot-{Guid.NewGuid():N}";

        var statuses = await Task.WhenAll(Enumerable.Range(0, 400).Select(async i =>
        {
            using var response = await Post($"/v1/installs/{install}/reservations", $$"""{"requestId":"r{{i}}","tier":"core","hasHardware":false}""");
            return response.StatusCode;
        }));
        var account = await GetJson($"/v1/installs/{install}");

        Assert.Equal(100, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(300, statuses.Count(s => s == HttpStatusCode.PaymentRequired));
        Assert.Equal(100, account.GetProperty("reserved").GetInt64());
        Assert.Equal(0, account.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task ParallelHttpReserves_OnOnePool_ThroughTwoSilos_NeverPassTheLimit()
    {
        string pool = $"e2e-pool-{Guid.NewGuid():N}";
        using var limit = await Send(HttpMethod.Put, $"/v1/admin/pools/{pool}", """{"limitMicros":10000}""");
        Assert.Equal(HttpStatusCode.OK, limit.StatusCode);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 400).Select(async i =>
        {
            using var response = await Post($"/v1/pools/{pool}/reservations", $$"""{"requestId":"r{{i}}","reserveMicros":100,"usageType":"chat"}""");
            return response.StatusCode;
        }));
        var view = await GetJson($"/v1/pools/{pool}");

        Assert.Equal(100, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(300, statuses.Count(s => s == HttpStatusCode.PaymentRequired));
        Assert.Equal(10_000, view.GetProperty("reservedMicros").GetInt64());
        Assert.Equal(0, view.GetProperty("remainingMicros").GetInt64());
    }

    [Fact]
    public async Task AnotherDotnetService_CallsTheInstallGrainThroughAnOrleansClient()
    {
        using var host = await StartOrleansClientAsync();
        var grains = host.Services.GetRequiredService<IClusterClient>();
        string id = $"e2e-client-{Guid.NewGuid():N}";

        var reserve = await RetryUnavailable(() => grains.GetGrain<IInstallGrain>(id).Reserve(new InstallReserveRequest("r1", Tier.Pro, true, 10)), r => r.Outcome);
        var commit = await grains.GetGrain<IInstallGrain>(id).Commit(new InstallCommitRequest("r1", Credits: 8));
        var overHttp = await GetJson($"/v1/installs/{id}");

        Assert.Equal(Outcome.Created, reserve.Outcome);
        Assert.Equal(Outcome.Ok, commit.Outcome);
        Assert.Equal(992, commit.Receipt!.Remaining);
        Assert.Equal(8, overHttp.GetProperty("monthlyConsumed").GetInt64()); // same ledger over both surfaces
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task BillingHelper_ThroughAnOrleansClient_KeepsTheAuditInvariantUnderCallerFaults()
    {
        using var host = await StartOrleansClientAsync(services => services.AddPoolBilling());
        var billing = host.Services.GetRequiredService<PoolBillingClient>();
        var grains = host.Services.GetRequiredService<IClusterClient>();
        string poolId = $"e2e-billing-{Guid.NewGuid():N}";
        Assert.Equal(Outcome.Ok, (await RetryUnavailable(() => grains.GetGrain<IPoolGrain>(poolId).SetLimit(1_000_000), r => r.Outcome)).Outcome);
        var random = new Random(42);
        var plans = Enumerable.Range(0, 160).Select(i => (Index: i, Fault: random.Next(4), Cost: 100 + random.Next(400))).ToList();
        long debited = 0;
        int commits = 0, frees = 0;

        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (plan, _) =>
        {
            switch (plan.Fault)
            {
                case 0: // the call ran: commit
                    await using (var call = await billing.BeginBillableCallAsync(poolId, 500, "chat", ct: Ct))
                    {
                        await call.CommitAsync(plan.Cost, 10, 20, "model-a", ct: Ct);
                    }

                    Interlocked.Increment(ref commits);
                    Interlocked.Add(ref debited, plan.Cost);
                    break;
                case 1: // the caller's code throws inside the scope
                    await Assert.ThrowsAsync<InvalidOperationException>(async () =>
                    {
                        await using var call = await billing.BeginBillableCallAsync(poolId, 500, "chat", ct: Ct);
                        throw new InvalidOperationException("the model call failed");
                    });
                    break;
                case 2: // the caller is cancelled inside the scope
                    using (var cts = new CancellationTokenSource())
                    {
                        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                        {
                            await using var call = await billing.BeginBillableCallAsync(poolId, 500, "chat", ct: Ct);
                            await cts.CancelAsync();
                            cts.Token.ThrowIfCancellationRequested();
                        });
                    }

                    break;
                default: // a free call
                    await billing.RecordFreeUsageAsync(poolId, $"free-{plan.Index}", "chat", plan.Cost, 1, 2, "free-model", ct: Ct);
                    Interlocked.Increment(ref frees);
                    break;
            }
        });

        var pool = (await grains.GetGrain<IPoolGrain>(poolId).GetPool()).Pool!;
        await using var db = Npgsql.NpgsqlDataSource.Create(system.ConnectionString);
        await using var cmd = db.CreateCommand(
            "SELECT count(*) FILTER (WHERE billed), count(*) FILTER (WHERE NOT billed), coalesce(sum(cost_micros) FILTER (WHERE billed), 0) FROM pool_audit WHERE pool_id = $1");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = poolId });
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);

        Assert.Equal(commits, reader.GetInt64(0)); // one record per commit, never more, never fewer
        Assert.Equal(frees, reader.GetInt64(1));   // one per free call
        Assert.Equal(debited, reader.GetInt64(2)); // and every debit has its record
        Assert.Equal(debited, pool.UsedMicros);
        Assert.Equal(0, pool.ReservedMicros);      // every abandoned scope released its hold
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Operators_SeeLedgerAndIngestMetricsOnTheSilos()
    {
        using var reserve = await Post($"/v1/installs/e2e-metrics-{Guid.NewGuid():N}/reservations", """{"requestId":"r1","tier":"core","hasHardware":false}""");
        using var usage = await Post("/v1/usage-events", $$"""{"gatewayRequestId":"{{Guid.NewGuid():N}}","tenantId":"e2e","deploymentId":"d","occurredAt":"{{DateTime.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}}","inputTokens":1,"outputTokens":1,"customerCharge":"0.01"}""");
        Assert.Equal(HttpStatusCode.Created, reserve.StatusCode);
        Assert.Equal(HttpStatusCode.Created, usage.StatusCode);

        // The Prometheus exporter caches a scrape briefly: read until both families show up, bounded.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string all = "";
        for (int attempt = 0; attempt < 20 && !(all.Contains("metering_ledger_operations", StringComparison.Ordinal) && all.Contains("metering_usage_events", StringComparison.Ordinal)); attempt++)
        {
            var scrapes = await Task.WhenAll(system.LiveSilos.Select(s => http.GetStringAsync($"http://127.0.0.1:{s.HttpPort}/metrics", Ct)));
            all = string.Concat(scrapes);
            await Task.Delay(500, Ct);
        }

        Assert.Contains("metering_ledger_operations", all, StringComparison.Ordinal);
        Assert.Contains("metering_ledger_flush_batch_size", all, StringComparison.Ordinal);
        Assert.Contains("metering_usage_events", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiloKilled_AfterAcknowledgements_LosesNothing()
    {
        // Several installs, so that some surely live on the silo that is killed.
        string[] ids = [.. Enumerable.Range(0, 8).Select(i => $"e2e-crash-{i}-{Guid.NewGuid():N}")];
        foreach (string id in ids)
        {
            for (int i = 0; i < 6; i++)
            {
                using var reserve = await Post($"/v1/installs/{id}/reservations", $$"""{"requestId":"r{{i}}","tier":"core","hasHardware":false,"credits":2}""");
                Assert.Equal(HttpStatusCode.Created, reserve.StatusCode);
                if (i % 2 == 0)
                {
                    using var commit = await Post($"/v1/installs/{id}/reservations/r{i}/commit", """{"credits":3}""");
                    Assert.Equal(HttpStatusCode.OK, commit.StatusCode);
                }
            }
        }

        await system.KillOneSiloAsync();
        using var host = await StartOrleansClientAsync();
        var grains = host.Services.GetRequiredService<IClusterClient>();
        foreach (string id in ids)
        {
            var account = await ReadAfterFailoverAsync(grains.GetGrain<IInstallGrain>(id));
            Assert.Equal(3 * 3, account.LifetimeConsumed); // every acknowledged commit
            Assert.Equal(3 * 2, account.Reserved);          // every acknowledged, open hold
        }

        await host.StopAsync(Ct);
        await system.StartSiloAsync(); // leave two silos for the other tests
    }

    /// <summary>Until the dead silo is declared dead, calls routed to it fail; a caller retries.</summary>
    private static async Task<InstallAccountView> ReadAfterFailoverAsync(IInstallGrain install)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var result = await install.GetAccount().WaitAsync(TimeSpan.FromSeconds(5), Ct);
                if (result.Outcome == Outcome.Ok)
                {
                    return result.Account!;
                }
            }
            catch (Exception error) when (error is TimeoutException or OrleansException && attempt < 30)
            {
                // The directory still points at the dead silo.
            }

            await Task.Delay(1000, Ct);
        }
    }

    [Fact]
    public async Task Silo_OnSigterm_LeavesTheClusterGracefully()
    {
        var silo = await system.StartSiloAsync();

        await silo.TerminateAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, silo.ExitCode);
        await using var db = Npgsql.NpgsqlDataSource.Create(system.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT status FROM OrleansMembershipTable WHERE deploymentid = $1 AND port = $2");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = system.ClusterId });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = silo.SiloPort });
        Assert.Equal(6, Convert.ToInt32(await cmd.ExecuteScalarAsync(Ct))); // 6 = Dead: it said goodbye
    }

    [Fact]
    public async Task PostgresDown_Answers503AndChangesNothing_FrontEndStaysReady_ThenRecovers()
    {
        using var host = await StartOrleansClientAsync();
        var grains = host.Services.GetRequiredService<IClusterClient>();
        string id = $"e2e-pgdown-{Guid.NewGuid():N}";
        var install = grains.GetGrain<IInstallGrain>(id);
        Assert.Equal(Outcome.Created, (await install.Reserve(new InstallReserveRequest("before", Tier.Core, false, 5))).Outcome);

        await system.Postgres.StopAsync(Ct);
        InstallReserveResult down;
        HttpStatusCode overHttp;
        string? code;
        HttpStatusCode ready;
        List<(string Route, HttpStatusCode Status, string? Code)> reads = [];
        bool? overviewSaysReachable;
        int activeSilosWithoutStart;
        try
        {
            down = await install.Reserve(new InstallReserveRequest("during", Tier.Core, false, 7));
            // The admin views read PostgreSQL directly (lists, series, grants, budget changes).
            foreach (string route in new[]
            {
                "/v1/admin/installs", "/v1/admin/pools", "/v1/admin/ports", "/v1/admin/tenants",
                $"/v1/admin/pools/{id}/grants", $"/v1/admin/ports/{id}/budget-changes",
                $"/v1/ports/{id}/daily?from=2026-11-01&to=2026-11-30", $"/v1/tenants/{id}/daily?from=2026-11-01&to=2026-11-30",
            })
            {
                using var read = await system.Http.GetAsync(route, Ct);
                var problem = JsonDocument.Parse(await read.Content.ReadAsStringAsync(Ct)).RootElement;
                reads.Add((route, read.StatusCode, problem.TryGetProperty("code", out var c) ? c.GetString() : null));
            }

            // The overview is still answered: PostgreSQL unreachable, the silos from the silo's own view.
            using var overview = await system.Http.GetAsync("/v1/admin/overview", Ct);
            var shown = overview.IsSuccessStatusCode ? JsonDocument.Parse(await overview.Content.ReadAsStringAsync(Ct)).RootElement : default;
            overviewSaysReachable = overview.IsSuccessStatusCode ? shown.GetProperty("postgres").GetProperty("reachable").GetBoolean() : null;
            activeSilosWithoutStart = overview.IsSuccessStatusCode
                ? shown.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active" && s.GetProperty("startedAt").ValueKind == JsonValueKind.Null)
                : -1;
            using var response = await system.Http.PostAsync(
                $"/v1/installs/{id}/reservations",
                new StringContent("""{"requestId":"http-during","tier":"core","hasHardware":false}""", Encoding.UTF8, "application/json"), Ct);
            overHttp = response.StatusCode;
            code = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString();
            using var readyz = await system.Http.GetAsync("/readyz", Ct);
            ready = readyz.StatusCode;
        }
        finally
        {
            await system.Postgres.StartAgainAsync(Ct);
        }

        InstallReserveResult retried = new(Outcome.Unavailable);
        for (int attempt = 0; attempt < 40 && retried.Outcome == Outcome.Unavailable; attempt++)
        {
            retried = await install.Reserve(new InstallReserveRequest("during", Tier.Core, false, 7));
            if (retried.Outcome == Outcome.Unavailable)
            {
                await Task.Delay(250, Ct);
            }
        }

        var account = (await install.GetAccount()).Account!;
        Assert.Equal(Outcome.Unavailable, down.Outcome);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, overHttp);
        Assert.Equal("unavailable", code);
        Assert.Equal(HttpStatusCode.OK, ready); // the front end stays ready, answering 503 problems (API.md)
        Assert.All(reads, r => Assert.Equal((r.Route, HttpStatusCode.ServiceUnavailable, "unavailable"), r));
        Assert.False(overviewSaysReachable);
        Assert.True(activeSilosWithoutStart >= 1, $"active silos listed without a start time: {activeSilosWithoutStart}");
        Assert.Equal(Outcome.Created, retried.Outcome); // the 503 acknowledged nothing: the retry is new
        Assert.Equal(12, account.Reserved);
        await host.StopAsync(Ct);
    }

    /// <summary>Unavailable acknowledged nothing: retry with the same request, as a caller should.</summary>
    private static async Task<T> RetryUnavailable<T>(Func<Task<T>> call, Func<T, Outcome> outcome)
    {
        for (int attempt = 1; ; attempt++)
        {
            var result = await call();
            if (outcome(result) != Outcome.Unavailable || attempt == 5)
            {
                return result;
            }

            await Task.Delay(200 * attempt, Ct);
        }
    }

    private async Task<IHost> StartOrleansClientAsync(Action<IServiceCollection>? services = null)
    {
        // Connections pooled before a PostgreSQL restart are dead; start this client on fresh ones.
        Npgsql.NpgsqlConnection.ClearAllPools();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = system.ClusterId;
                o.ServiceId = "metering";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = system.ConnectionString;
            });
        });
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(Ct);
        return host;
    }

    private Task<HttpResponseMessage> Post(string path, string json) => Send(HttpMethod.Post, path, json);

    /// <summary>Sends as a relay does: a 503 acknowledged nothing, so it is retried with the same body.</summary>
    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string json)
    {
        for (int attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            var response = await system.Http.SendAsync(request, Ct);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(200 * attempt, Ct);
        }
    }

    private async Task<JsonElement> GetJson(string path)
    {
        string text = await system.Http.GetStringAsync(path, Ct);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
