using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Tests.Support;
using Npgsql;

namespace Metering.Tests.Cluster;

/// <summary>Many callers at once on one account, through the cluster client (both silos' gateways).</summary>
public sealed class ConcurrencyTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private IGrainFactory Grains => Fixture.Cluster.Client;

    [Fact]
    public async Task ParallelReserves_OnOneInstall_NeverPassTheQuota()
    {
        var quotas = Grains.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key);
        await quotas.Set(Tier.Core, TierQuota.DefaultFor(Tier.Core));
        string id = $"hot-{Guid.NewGuid():N}";
        var install = Grains.GetGrain<IInstallGrain>(id);

        var results = await Task.WhenAll(Enumerable.Range(0, 600).Select(i =>
            install.Reserve(new InstallReserveRequest($"r{i}", Tier.Core, false, 1 + (i % 3)))));

        long held = results.Where(r => r.Outcome == Outcome.Created).Sum(r => r.Reservation!.Credits);
        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { Outcome.Created, Outcome.OutOfCredits }));
        Assert.InRange(held, 98, 100); // fills the quota up to what the last sizes allow, never past it
        var account = (await install.GetAccount()).Account!;
        Assert.Equal(held, account.Reserved);
        Assert.Equal(100 - held, account.Remaining);
        Assert.Equal(held, await SumOpenHolds(id));
    }

    [Fact]
    public async Task ParallelReserveCommitRelease_KeepCountersEqualToTheJournal()
    {
        string id = $"mixed-{Guid.NewGuid():N}";
        var install = Grains.GetGrain<IInstallGrain>(id);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            var reserve = await install.Reserve(new InstallReserveRequest($"r{i}", Tier.Max, false, 2));
            Assert.Equal(Outcome.Created, reserve.Outcome);
            var settle = i % 2 == 0
                ? (await install.Commit(new InstallCommitRequest($"r{i}", Credits: 3))).Outcome
                : (await install.Release($"r{i}")).Outcome;
            Assert.Equal(Outcome.Ok, settle);
        }));

        var account = (await install.GetAccount()).Account!;
        Assert.Equal(150 * 3, account.MonthlyConsumed);
        Assert.Equal(0, account.Reserved);
        Assert.Equal(0, await SumOpenHolds(id));
    }

    [Fact]
    public async Task OpenHolds_PastTheBound_AreRefusedWith429()
    {
        string id = $"many-{Guid.NewGuid():N}";
        var install = Grains.GetGrain<IInstallGrain>(id);

        // In waves below the write-queue bound, so that only the open-hold bound answers.
        var results = new List<InstallReserveResult>();
        foreach (var wave in Enumerable.Range(0, Limits.MaxOpenHoldsPerAccount + 20).Chunk(Limits.MaxPendingOperations / 2))
        {
            results.AddRange(await Task.WhenAll(wave.Select(i => install.Reserve(new InstallReserveRequest($"r{i}", Tier.Max, false, 0)))));
        }

        Assert.Equal(Limits.MaxOpenHoldsPerAccount, results.Count(r => r.Outcome == Outcome.Created));
        Assert.Equal(20, results.Count(r => r.Outcome == Outcome.TooManyOpenReservations));
    }

    [Fact]
    public async Task Burst_PastTheWriteQueueBound_AnswersUnavailableForTheRest_AndLosesNothingStaged()
    {
        // An unlimited install (max tier): every reserve is accepted, so each one stages a write.
        string id = $"burst-{Guid.NewGuid():N}";
        var install = Grains.GetGrain<IInstallGrain>(id);
        Assert.Equal(Outcome.Created, (await install.Reserve(new InstallReserveRequest("first", Tier.Max, false, 1))).Outcome);
        const int pastTheBound = 100;

        // The flush waits on the locked row, so nothing drains: the queue fills to its bound.
        await using var rowLock = await AccountRowLock.OpenAsync(Fixture.ConnectionString, "install", id, fence: false);
        var calls = Enumerable.Range(0, Limits.MaxPendingOperations + pastTheBound)
            .Select(i => install.Reserve(new InstallReserveRequest($"r{i}", Tier.Max, false, 1)))
            .ToList();
        await rowLock.WaitUntilAFlushWaits();
        while (calls.Count(c => c.IsCompleted) < pastTheBound)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var answeredWhileFull = calls.Where(c => c.IsCompleted).Select(c => c.Result.Outcome).ToList();
        await rowLock.ReleaseAsync();
        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Repeat(Outcome.Unavailable, pastTheBound), answeredWhileFull);
        Assert.Equal(pastTheBound, results.Count(r => r.Outcome == Outcome.Unavailable));
        Assert.Equal(Limits.MaxPendingOperations, results.Count(r => r.Outcome == Outcome.Created));
        Assert.Equal(1 + Limits.MaxPendingOperations, (await install.GetAccount()).Account!.Reserved);
        Assert.Equal(1 + Limits.MaxPendingOperations, await SumOpenHolds(id));
    }

    private async Task<long> SumOpenHolds(string installId)
    {
        await using var db = NpgsqlDataSource.Create(Fixture.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT coalesce(sum(amount), 0) FROM ledger_hold WHERE account_id = $1 AND state = 0");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = installId });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}
