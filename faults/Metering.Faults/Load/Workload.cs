using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Metering.Faults.Load;

/// <summary>
/// Relays at work: workers that run reserve → commit | release lifecycles on installs, pools and
/// ports, free pool calls, port usage records and usage events (single and batched), through
/// both front ends. Some requests go to both front ends at once with the same key; some are
/// replayed after their answer; a commit whose outcome is unknown is retried as a relay would.
/// </summary>
internal sealed class Workload(FrontEnds frontEnds, WorkloadShape shape, int seed, RateGate gate)
{
    private long _sequence;

    public static string InstallId(int i) => $"f-inst-{i}";

    public static string PoolId(int i) => $"f-pool-{i}";

    public static string PortId(int i) => $"f-port-{i}";

    public static string UsagePortId(int i) => $"f-uport-{i}";

    public static string TenantId(int i) => $"f-ten-{i}";

    /// <summary>Sets up the accounts' limits (retried through faults of the setup itself).</summary>
    public async Task PrepareAsync()
    {
        await Expect(frontEnds.CallAsync(HttpMethod.Put, "/v1/admin/tiers/core", $$"""{"lifetime":{{WorkloadShape.CoreLifetimeCredits}}}"""));
        for (int i = 0; i < shape.Pools; i++)
        {
            await Expect(frontEnds.CallAsync(HttpMethod.Put, $"/v1/admin/pools/{PoolId(i)}", $$"""{"limitMicros":{{WorkloadShape.PoolLimitMicros}}}"""));
        }

        for (int i = 0; i < shape.Ports; i++)
        {
            await Expect(frontEnds.CallAsync(HttpMethod.Put, $"/v1/ports/{PortId(i)}/budget",
                $$"""{"enabled":true,"softCapTokens":{{WorkloadShape.PortSoftCapTokens}},"hardCapTokens":{{WorkloadShape.PortHardCapTokens}},"period":"month"}"""));
        }
    }

    /// <summary>Runs the workers until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, shape.Workers).Select(w => Task.Run(() => WorkerAsync(w, stop), CancellationToken.None)));

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(seed, worker));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await gate.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            double pick = random.NextDouble();
            if (pick < 0.22)
            {
                await InstallLifecycleAsync(random);
            }
            else if (pick < 0.40)
            {
                await PoolLifecycleAsync(random);
            }
            else if (pick < 0.48)
            {
                await PoolFreeCallAsync(random);
            }
            else if (pick < 0.66)
            {
                await PortLifecycleAsync(random);
            }
            else if (pick < 0.76)
            {
                await PortUsageAsync(random);
            }
            else if (pick < 0.93)
            {
                await EventAsync(random);
            }
            else
            {
                await EventBatchAsync(random);
            }
        }
    }

    private string NextKey(string prefix) => $"{prefix}-{seed}-{Interlocked.Increment(ref _sequence)}";

    private async Task InstallLifecycleAsync(Random random)
    {
        string id = InstallId(random.Next(shape.Installs));
        string key = NextKey("ir");
        int credits = random.Next(1, 4);
        string reserve = $$"""{"requestId":"{{key}}","tier":"core","hasHardware":{{(random.Next(2) == 0 ? "true" : "false")}},"credits":{{credits}},"ttlSeconds":{{random.Next(30, 300)}}}""";
        string commit = $$"""{"credits":{{random.Next(0, credits + 1)}}}""";
        await LifecycleAsync(random, "install", id, $"/v1/installs/{id}/reservations", key, reserve, commit);
    }

    private async Task PoolLifecycleAsync(Random random)
    {
        string id = PoolId(random.Next(shape.Pools));
        string key = NextKey("pr");
        int micros = random.Next(100, 20_000);
        string reserve = $$"""{"requestId":"{{key}}","reserveMicros":{{micros}},"usageType":"chat","ttlSeconds":{{random.Next(30, 300)}}}""";
        string details = $$"""{"route":"/chat","attempt":{{random.Next(3)}}}""";
        string commit = $$"""{"actualMicros":{{random.Next(0, micros + 1)}},"promptTokens":{{random.Next(1, 900)}},"completionTokens":{{random.Next(1, 300)}},"model":"m-{{random.Next(3)}}","callDetails":{{details}}}""";
        await LifecycleAsync(random, "pool", id, $"/v1/pools/{id}/reservations", key, reserve, commit);
    }

    private async Task PortLifecycleAsync(Random random)
    {
        string id = PortId(random.Next(shape.Ports));
        string key = NextKey("tr");
        int estimate = random.Next(100, 5_000);
        int input = random.Next(0, estimate + 1);
        string reserve = $$"""{"requestId":"{{key}}","estimatedTokens":{{estimate}},"feature":"f{{random.Next(4)}}","ttlSeconds":{{random.Next(30, 300)}}}""";
        string commit = $$"""{"inputTokens":{{input}},"outputTokens":{{random.Next(0, estimate - input + 1)}},"provider":"p","model":"m"}""";
        await LifecycleAsync(random, "port", id, $"/v1/ports/{id}/reservations", key, reserve, commit);
    }

    /// <summary>Reserve, then commit (three times in four) or release; a commit with an unknown outcome is sent again.</summary>
    private async Task LifecycleAsync(Random random, string kind, string id, string reservations, string key, string reserveBody, string commitBody)
    {
        var reserves = await SendMaybeToBothAsync(random, kind, id, "reserve", key, HttpMethod.Post, reservations, reserveBody);
        if (!reserves.Any(r => r.Outcome == OpOutcome.Ok))
        {
            return;
        }

        await MaybeReplayAsync(random, reserves[0]);
        bool commit = random.Next(4) != 0;
        string path = $"{reservations}/{key}/{(commit ? "commit" : "release")}";
        string? body = commit ? commitBody : null;
        var settle = await frontEnds.SendAsync(kind, id, commit ? "commit" : "release", key, HttpMethod.Post, path, body, random.Next(2));
        if (settle.Outcome == OpOutcome.Unknown || settle.Outcome == OpOutcome.Failed)
        {
            // A relay whose commit may not have landed sends it again: the same key, the same body.
            settle = await frontEnds.SendAsync(kind, id, settle.Action, key, HttpMethod.Post, path, body, 1 - settle.FrontEnd);
        }

        await MaybeReplayAsync(random, settle);
    }

    private async Task PoolFreeCallAsync(Random random)
    {
        string id = PoolId(random.Next(shape.Pools));
        string key = NextKey("pf");
        string body = $$"""{"requestId":"{{key}}","usageType":"free","costMicros":{{random.Next(0, 5_000)}},"promptTokens":{{random.Next(1, 500)}},"completionTokens":{{random.Next(1, 200)}},"model":"m"}""";
        var ops = await SendMaybeToBothAsync(random, "pool", id, "usage", key, HttpMethod.Post, $"/v1/pools/{id}/usage", body);
        await MaybeReplayAsync(random, ops[0]);
    }

    private async Task PortUsageAsync(Random random)
    {
        string id = UsagePortId(random.Next(shape.UsagePorts));
        string key = NextKey("tu");
        string body = $$"""{"requestId":"{{key}}","inputTokens":{{random.Next(0, 2_000)}},"outputTokens":{{random.Next(0, 800)}},"provider":"p","model":"m","feature":"f{{random.Next(3)}}"}""";
        var ops = await SendMaybeToBothAsync(random, "port", id, "usage", key, HttpMethod.Post, $"/v1/ports/{id}/usage", body);
        await MaybeReplayAsync(random, ops[0]);
    }

    private async Task EventAsync(Random random)
    {
        var (tenant, key, json) = NewEvent(random);
        var ops = await SendMaybeToBothAsync(random, "tenant", tenant, "event", key, HttpMethod.Post, "/v1/usage-events", json);
        await MaybeReplayAsync(random, ops[0]);
    }

    private async Task EventBatchAsync(Random random)
    {
        var events = Enumerable.Range(0, random.Next(2, 20)).Select(_ => NewEvent(random)).ToList();
        string body = "{\"events\":[" + string.Join(',', events.Select(e => e.Json)) + "]}";
        var op = await frontEnds.SendAsync("tenant", events[0].Tenant, "batch", events[0].Key, HttpMethod.Post, "/v1/usage-events/batch", body, random.Next(2));
        await MaybeReplayAsync(random, op);
    }

    private (string Tenant, string Key, string Json) NewEvent(Random random)
    {
        string tenant = TenantId(random.Next(shape.Tenants));
        string key = NextKey("ev");
        var at = DateTime.UtcNow.AddSeconds(-random.Next(0, 3 * 86_400));
        string charge = random.Next(4) switch
        {
            0 => $"{random.Next(0, 3)}.{random.Next(0, 100_000):D5}{random.Next(0, 100_000):D5}",
            1 => $"0.00{random.Next(0, 10_000):D4}",
            _ => $"{random.Next(0, 50)}.{random.Next(0, 100):D2}",
        };
        string json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"gatewayRequestId":"{{key}}","tenantId":"{{tenant}}","deploymentId":"d{{random.Next(5)}}","occurredAt":"{{at:yyyy-MM-ddTHH:mm:ss.fffZ}}","inputTokens":{{random.Next(0, 5_000)}},"outputTokens":{{random.Next(0, 2_000)}},"customerCharge":"{{charge}}"}""");
        return (tenant, key, json);
    }

    /// <summary>Sends once, or (sometimes) to both front ends at the same moment with the same key and body.</summary>
    private async Task<Op[]> SendMaybeToBothAsync(Random random, string kind, string id, string action, string key, HttpMethod method, string path, string body)
    {
        if (random.NextDouble() < shape.DuplicateToBothFrontEnds)
        {
            return await Task.WhenAll(
                frontEnds.SendAsync(kind, id, action, key, method, path, body, 0),
                frontEnds.SendAsync(kind, id, action, key, method, path, body, 1));
        }

        return [await frontEnds.SendAsync(kind, id, action, key, method, path, body, random.Next(2))];
    }

    /// <summary>Sometimes sends an answered operation again (the same body), as a relay that lost the answer would.</summary>
    private async Task MaybeReplayAsync(Random random, Op answered)
    {
        if (answered.Outcome == OpOutcome.Ok && random.NextDouble() < shape.ReplayAfterAnswer)
        {
            await frontEnds.SendAsync(answered.Kind, answered.Account, answered.Action, answered.Key, answered.Method, answered.Path, answered.Body, 1 - answered.FrontEnd);
        }
    }

    private static async Task Expect(Task<(HttpStatusCode Status, string Body)> call)
    {
        var (status, body) = await call;
        if ((int)status is < 200 or >= 300)
        {
            throw new InvalidOperationException($"setup call answered {(int)status}: {body}");
        }
    }

    /// <summary>Parses the results of a batch answer ("recorded", "duplicate" or a problem per event), in order.</summary>
    public static IReadOnlyList<string?> BatchResults(string response)
    {
        using var doc = JsonDocument.Parse(response);
        return [.. doc.RootElement.GetProperty("results").EnumerateArray().Select(r => r.ValueKind == JsonValueKind.String ? r.GetString() : null)];
    }
}
