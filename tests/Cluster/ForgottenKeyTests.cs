using System.Net;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.GrainInterfaces.Ports;
using Metering.Tests.Http;
using Metering.Tests.Support;

namespace Metering.Tests.Cluster;

/// <summary>
/// Keys memory has forgotten (more history than an activation loads, then a restart) are looked
/// up in the journal before anything is decided: a replay is answered with its first answer or
/// a conflict, never decided afresh, and never fails the other calls of its account.
/// </summary>
public sealed class ForgottenKeyTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const string Admin = ClusterFixture.AdminKey;
    private const string Relay = ClusterFixture.RelayKey;

    /// <summary>More journal entries than an activation loads, so the first key is forgotten on restart.</summary>
    private static readonly int Filler = Limits.JournalEntriesLoadedAtActivation + 500;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => Fixture.Http;

    private Task Restart() =>
        Fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);

    /// <summary>Moves the clock past the first key's time, so every later entry is newer than it.</summary>
    private static void Later() => ClusterFixture.Clock.Advance(TimeSpan.FromSeconds(1));

    private static async Task FreeCalls(IPoolGrain pool, int count)
    {
        Later();
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            pool.RecordFreeUsage(new PoolFreeUsageRequest($"free-{i}", "chat", 0, 1, 1, "model"))));
        Assert.All(results, r => Assert.Equal(Outcome.Created, r.Outcome));
    }

    [Fact]
    public async Task PoolReserve_ReplayedAfterRestartOnAFullPool_AnswersTheFirstAnswerOrAConflict()
    {
        string id = $"forgot-full-{Guid.NewGuid():N}";
        string reserveBody = """{"requestId":"r0","reserveMicros":100,"usageType":"chat"}""";
        Assert.Equal(HttpStatusCode.OK, (await Http.Send(HttpMethod.Put, $"/v1/admin/pools/{id}", Admin, """{"limitMicros":100}""")).Status);
        var first = await Http.Send(HttpMethod.Post, $"/v1/pools/{id}/reservations", Relay, reserveBody);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.Send(HttpMethod.Post, $"/v1/pools/{id}/reservations/r0/commit", Relay,
            """{"actualMicros":100,"promptTokens":1,"completionTokens":1,"model":"m"}""")).Status);
        await FreeCalls(Fixture.Cluster.Client.GetGrain<IPoolGrain>(id), Filler);
        await Restart();

        var replay = await Http.Send(HttpMethod.Post, $"/v1/pools/{id}/reservations", Relay, reserveBody);
        var conflict = await Http.Send(HttpMethod.Post, $"/v1/pools/{id}/reservations", Relay,
            """{"requestId":"r0","reserveMicros":99,"usageType":"chat"}""");

        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal(first.Body.GetRawText(), replay.Body.GetRawText());
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal("request_id_conflict", conflict.Body.Code());
    }

    [Fact]
    public async Task PoolReserve_OfACommittedHoldReplayedAfterRestartAmongOtherCalls_IsAReplay_AndTheOthersCommit()
    {
        var pool = Fixture.Cluster.Client.GetGrain<IPoolGrain>($"forgot-room-{Guid.NewGuid():N}");
        await pool.SetLimit(1_000_000);
        var first = await pool.Reserve(new PoolReserveRequest("r0", 10, "chat"));
        Assert.Equal(Outcome.Ok, (await pool.Commit(new PoolCommitRequest("r0", 10, 1, 1, "m"))).Outcome);
        await FreeCalls(pool, Filler);
        await Restart();

        // The replay and fresh reserves arrive together, so they would share one flush.
        var replay = pool.Reserve(new PoolReserveRequest("r0", 10, "chat"));
        var others = Enumerable.Range(1, 20).Select(i => pool.Reserve(new PoolReserveRequest($"r{i}", 10, "chat"))).ToList();
        var replayed = await replay;
        var fresh = await Task.WhenAll(others);

        Assert.Equal(Outcome.Replayed, replayed.Outcome);
        Assert.Equal(first.Reservation, replayed.Reservation);
        Assert.All(fresh, r => Assert.Equal(Outcome.Created, r.Outcome));
        var view = (await pool.GetPool()).Pool!;
        Assert.Equal((10L, 20L * 10), (view.UsedMicros, view.ReservedMicros));
    }

    [Fact]
    public async Task PoolFreeUsage_ReplayedAfterRestart_IsAReplay_AndRecordedOnce()
    {
        var pool = Fixture.Cluster.Client.GetGrain<IPoolGrain>($"forgot-free-{Guid.NewGuid():N}");
        var request = new PoolFreeUsageRequest("u0", "chat", 5, 2, 3, "model");
        var first = await pool.RecordFreeUsage(request);
        await FreeCalls(pool, Filler);
        await Restart();

        var replay = await pool.RecordFreeUsage(request);
        var conflict = await pool.RecordFreeUsage(request with { CostMicros = 6 });

        Assert.Equal(Outcome.Replayed, replay.Outcome);
        Assert.Equal(first.Record, replay.Record);
        Assert.Equal(Outcome.RequestIdConflict, conflict.Outcome);
        var page = await pool.ListUsage(new PoolUsageQuery(null, null, null, Limits.MaxPageSize));
        Assert.Single(page.Items, r => r.RequestId == "u0");
    }

    [Fact]
    public async Task PortUsage_ReplayedAfterRestart_IsAReplay_AndCountedOnce()
    {
        var port = Fixture.Cluster.Client.GetGrain<IPortGrain>($"forgot-port-{Guid.NewGuid():N}");
        var request = new PortUsageRequest("u0", 7, 3, "prov", "model", "chat");
        var first = await port.RecordUsage(request);
        Later();
        var filler = await Task.WhenAll(Enumerable.Range(1, Filler).Select(i =>
            port.RecordUsage(new PortUsageRequest($"u{i}", 0, 1, "prov", "model", "chat"))));
        Assert.All(filler, r => Assert.Equal(Outcome.Created, r.Outcome));
        await Restart();

        var replay = await port.RecordUsage(request);
        var conflict = await port.RecordUsage(request with { InputTokens = 8 });

        Assert.Equal(Outcome.Replayed, replay.Outcome);
        Assert.Equal(first.Receipt, replay.Receipt);
        Assert.Equal(Outcome.RequestIdConflict, conflict.Outcome);
        Assert.Equal(10 + Filler, (await port.GetUsage(null)).Usage!.UsedTokens);
    }

    [Fact]
    public async Task PortReserve_OfACommittedHoldReplayedAfterRestart_IsAReplay_AndHoldsNothing()
    {
        var port = Fixture.Cluster.Client.GetGrain<IPortGrain>($"forgot-port-reserve-{Guid.NewGuid():N}");
        var request = new PortReserveRequest("r0", 100, "chat");
        var first = await port.Reserve(request);
        Assert.Equal(Outcome.Ok, (await port.Commit(new PortCommitRequest("r0", 60, 40, "prov", "model"))).Outcome);
        Later();
        var filler = await Task.WhenAll(Enumerable.Range(1, Filler).Select(i =>
            port.RecordUsage(new PortUsageRequest($"u{i}", 0, 1, "prov", "model", "chat"))));
        Assert.All(filler, r => Assert.Equal(Outcome.Created, r.Outcome));
        await Restart();

        var replay = await port.Reserve(request);

        Assert.Equal(Outcome.Replayed, replay.Outcome);
        Assert.Equal(first.Reservation, replay.Reservation);
        var usage = (await port.GetUsage(null)).Usage!;
        Assert.Equal((100L + Filler, 0L), (usage.UsedTokens, usage.ReservedTokens));
    }

    [Fact]
    public async Task PoolCommit_ReplayWithTheSameCallDetailsOtherwiseSpelled_IsAReplay()
    {
        var pool = Fixture.Cluster.Client.GetGrain<IPoolGrain>($"canonical-{Guid.NewGuid():N}");
        await pool.SetLimit(1_000);
        await pool.Reserve(new PoolReserveRequest("r1", 10, "chat"));
        var commit = new PoolCommitRequest("r1", 10, 1, 1, "m", CallDetails: """{"route":"/chat","tags":["a","b"],"n":{"x":1,"y":2}}""");
        var first = await pool.Commit(commit);

        var reordered = await pool.Commit(commit with { CallDetails = """{ "n" : { "y":2, "x":1 }, "tags" : [ "a", "b" ], "route" : "\/chat" }""" });
        var different = await pool.Commit(commit with { CallDetails = """{"route":"/chat","tags":["b","a"],"n":{"x":1,"y":2}}""" });

        Assert.Equal(Outcome.Ok, first.Outcome);
        Assert.Equal(Outcome.Replayed, reordered.Outcome);
        Assert.Equal(first.Receipt, reordered.Receipt);
        Assert.Equal(Outcome.RequestIdConflict, different.Outcome);
    }
}
