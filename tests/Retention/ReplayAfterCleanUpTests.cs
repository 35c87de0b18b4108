using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Hosting;
using Metering.Grains.Retention;
using Metering.Grains.Time;
using Metering.Tests.Infrastructure;
using Metering.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.TestingHost;

namespace Metering.Tests.Retention;

/// <summary>
/// Replays through the grains after a clean-up, on a one-silo cluster of this class's own (the
/// clean-up deletes every old row of its database, so it must not share the "cluster"
/// collection's): a key kept is answered with its first answer; a key forgotten is judged afresh
/// once the account's memory has gone too (a new activation).
/// </summary>
public sealed class ReplayAfterCleanUpTests(ReplayAfterCleanUpTests.Cluster cluster) : IClassFixture<ReplayAfterCleanUpTests.Cluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reserve_ForgottenKeyIsNew_KeptKeyIsTheFirstAnswer()
    {
        var install = cluster.Client.GetGrain<IInstallGrain>($"replay-{Guid.NewGuid():N}");
        var oldRequest = new InstallReserveRequest("old", Tier.Max, HasHardware: true, Credits: 1);
        var recentRequest = new InstallReserveRequest("recent", Tier.Max, HasHardware: true, Credits: 1);
        var oldFirst = await install.Reserve(oldRequest);
        Assert.Equal(Outcome.Ok, (await install.Commit(new InstallCommitRequest("old"))).Outcome);
        Cluster.Clock.Advance(TimeSpan.FromHours(30));
        var recentFirst = await install.Reserve(recentRequest);
        Cluster.Clock.Advance(TimeSpan.FromHours(20));                 // "old" last used 50 h ago, "recent" 20 h ago

        var run = await cluster.Cleaner.RunOnceAsync(UtcCalendar.Now(new LedgerClock(Cluster.Clock)), Ct);
        // Memory outlives the rows: until the account is activated again, it still answers from there.
        var fromMemory = await install.Reserve(oldRequest with { Credits = 2 });
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);
        var oldRead = await install.GetReservation("old");
        var oldAgain = await install.Reserve(oldRequest with { Credits = 2 });
        var recentAgain = await install.Reserve(recentRequest);
        var recentConflict = await install.Reserve(recentRequest with { Credits = 2 });

        Assert.Equal(Outcome.Created, oldFirst.Outcome);
        Assert.Equal((2L, 1L), (run.JournalRows, run.Holds));
        Assert.Equal(Outcome.RequestIdConflict, fromMemory.Outcome);
        Assert.Equal(Outcome.NotFound, oldRead.Outcome);
        Assert.Equal(Outcome.Created, oldAgain.Outcome);               // judged afresh: a new reservation
        Assert.Equal(2, oldAgain.Reservation!.Credits);
        Assert.Equal(Outcome.Replayed, recentAgain.Outcome);           // the first answer, again
        Assert.Equal(recentFirst.Reservation, recentAgain.Reservation);
        Assert.Equal(Outcome.RequestIdConflict, recentConflict.Outcome);
    }

    /// <summary>A one-silo test cluster on a fresh database, with a clock of its own and the clean-up to call.</summary>
    public sealed class Cluster(PostgresFixture postgres) : IAsyncLifetime
    {
        private const string ConnectionStringProperty = "MeteringRetentionConnectionString";

        /// <summary>The silo's ledger clock; this class's one test moves it.</summary>
        public static TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

        private TestCluster? _cluster;
        private NpgsqlDataSource? _db;

        public IClusterClient Client => _cluster!.Client;

        public RetentionCleaner Cleaner { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            string connectionString = await MeteringDatabase.CreateAsync(postgres, "retention-replay");
            _db = NpgsqlDataSource.Create(connectionString);
            Cleaner = new RetentionCleaner(_db, RetentionSettings.Default, NullLogger<RetentionCleaner>.Instance);
            var builder = new TestClusterBuilder(1);
            builder.Properties[ConnectionStringProperty] = connectionString;
            builder.AddSiloBuilderConfigurator<SiloConfigurator>();
            _cluster = builder.Build();
            await _cluster.DeployAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.StopAllSilosAsync();
                await _cluster.DisposeAsync();
            }

            if (_db is not null)
            {
                await _db.DisposeAsync();
            }
        }

        private sealed class SiloConfigurator : ISiloConfigurator
        {
            public void Configure(ISiloBuilder siloBuilder)
            {
                string connectionString = siloBuilder.Configuration[ConnectionStringProperty]
                    ?? throw new InvalidOperationException("the test cluster has no connection string");
                siloBuilder.Services.AddSingleton(new LedgerClock(Clock));
                siloBuilder.AddMeteringGrains(connectionString);
            }
        }
    }
}
