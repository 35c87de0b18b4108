using System.Diagnostics;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.GrainInterfaces.Usage;
using Metering.Grains.Retention;
using Metering.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// The retention clean-up's effect on table size. On a database of its own (the clean-up deletes
/// every old row it finds, so it must not meet the other benchmarks' rows), with a silo whose
/// ledger clock walks through simulated days: each day, keys (reserve then commit, release, or
/// nothing: an abandoned hold that expires) through the install grains, and usage events through
/// the ingest grain, spread over the day's hours. Then one clean-up catches up on every day at
/// once, and a few more days follow with a clean-up and a VACUUM after each (what the silo's job
/// and autovacuum do), so the tables' size in steady state shows. Rows and
/// <c>pg_total_relation_size</c> are read before, after the catch-up, and at the end.
/// </summary>
internal sealed class RetentionBenchmark(string connectionString, NpgsqlDataSource admin, BenchOptions options)
{
    /// <summary>Where the simulated days start.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Days filled after the catch-up, each followed by a clean-up: a week, enough to show whether the tables still grow.</summary>
    public const int SteadyDays = 7;

    /// <summary>Install accounts the keys spread over: a busy fleet's share of one silo, each with tens of keys a day.</summary>
    public const int Accounts = 100;

    /// <summary>Tenants the events spread over.</summary>
    private const int Tenants = 10;

    /// <summary>Concurrent callers, like the other benchmarks.</summary>
    private const int Callers = 64;

    /// <summary>Its own database in the benchmark's PostgreSQL.</summary>
    private const string DatabaseName = "metering_retention";

    private const string CreateDatabaseSql = "CREATE DATABASE " + DatabaseName;

    private const string VacuumSql = "VACUUM (ANALYZE) ledger_journal, ledger_hold, usage_event";

    private const int MaxAttempts = 50;

    private long _keys;

    /// <summary>
    /// The settings measured: keys kept the default 48 hours; raw events kept the shortest window
    /// allowed (31 days) rather than the default 400, so that a run of weeks shows their deletion
    /// too; no time limit worth mentioning, so the catch-up finishes in one run.
    /// </summary>
    public static RetentionSettings Settings { get; } = new(
        usageEventDays: Limits.MinUsageEventRetentionDays, maxRunSeconds: Limits.MaxRetentionRunSeconds);

    public async Task<RetentionFigures> RunAsync(CancellationToken ct)
    {
        Console.WriteLine($"==> retention: {options.RetentionDays} simulated days of {options.RetentionKeysPerDay:N0} keys and " +
            $"{options.RetentionEventsPerDay:N0} usage events each, a clean-up, then {SteadyDays} more days with a clean-up after each");
        await Database.ExecuteAsync(admin, CreateDatabaseSql, ct);
        string own = new NpgsqlConnectionStringBuilder(connectionString) { Database = DatabaseName }.ConnectionString;
        await SchemaMigrator.MigrateAsync(own, NullLogger.Instance, TimeSpan.FromSeconds(30), ct);
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(own) { MaxPoolSize = 4 }.ConnectionString);
        var clock = new BenchClock(Start);
        var cleaner = new RetentionCleaner(db, Settings, NullLogger<RetentionCleaner>.Instance);
        await using var silo = await BenchSilo.StartAsync(own, ct, clock);
        var ingest = new IngestClient(silo.Grains);

        var fill = Stopwatch.StartNew();
        for (int day = 0; day < options.RetentionDays; day++)
        {
            await FillDayAsync(silo.Grains, ingest, clock, day, ct);
        }

        fill.Stop();
        var now = Start.AddDays(options.RetentionDays);
        clock.Set(now);
        // Autovacuum keeps statistics as the tables grow; right after a bulk fill it may not have
        // caught up yet, and the clean-up's key lookups need them (see RetentionRunTests).
        await Database.ExecuteAsync(db, "ANALYZE", ct);
        var before = await TableSize.ReadAsync(db, ct);
        Print("before the clean-up", before);

        var catchUp = await cleaner.RunOnceAsync(now, ct);
        Console.WriteLine($"  catch-up clean-up: {Describe(catchUp)}");
        await Database.ExecuteAsync(db, VacuumSql, ct);
        var afterCatchUp = await TableSize.ReadAsync(db, ct);
        Print("after it and a VACUUM", afterCatchUp);

        var daily = new List<RetentionRun>();
        for (int day = options.RetentionDays; day < options.RetentionDays + SteadyDays; day++)
        {
            await FillDayAsync(silo.Grains, ingest, clock, day, ct);
            var endOfDay = Start.AddDays(day + 1);
            clock.Set(endOfDay);
            var run = await cleaner.RunOnceAsync(endOfDay, ct);
            Console.WriteLine($"  day {day + 1} clean-up: {Describe(run)}");
            daily.Add(run);
            await Database.ExecuteAsync(db, VacuumSql, ct);
        }

        var steady = await TableSize.ReadAsync(db, ct);
        Print($"after {SteadyDays} more days", steady);
        var indexes = new Dictionary<string, long>
        {
            ["ledger_journal_age"] = await TableSize.IndexBytesAsync(db, "ledger_journal_age", ct),
            ["usage_event_occurred"] = await TableSize.IndexBytesAsync(db, "usage_event_occurred", ct),
        };
        return new RetentionFigures(options.RetentionDays, SteadyDays, options.RetentionKeysPerDay, options.RetentionEventsPerDay, Accounts,
            Settings, fill.Elapsed, before, catchUp, afterCatchUp, daily, steady, indexes);
    }

    /// <summary>One simulated day: each hour, its share of the keys and events at that hour's time.</summary>
    private async Task FillDayAsync(IGrainFactory grains, IngestClient ingest, BenchClock clock, int day, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        for (int hour = 0; hour < 24; hour++)
        {
            var at = Start.AddDays(day).AddHours(hour);
            clock.Set(at);
            int keys = Share(options.RetentionKeysPerDay, hour);
            await Parallel.ForEachAsync(Enumerable.Range(0, keys), new ParallelOptions { MaxDegreeOfParallelism = Callers, CancellationToken = ct },
                async (_, token) => await KeyAsync(grains, Interlocked.Increment(ref _keys), token));
            await EventsAsync(ingest, day, hour, at, Share(options.RetentionEventsPerDay, hour), ct);
        }

        Console.WriteLine($"    day {day + 1}: {options.RetentionKeysPerDay:N0} keys, {options.RetentionEventsPerDay:N0} events in {started.Elapsed.TotalSeconds:N1} s");
    }

    /// <summary>One key: a reserve, then (19 in 20) a commit, (1 in 20) a release, or (1 in 20) nothing: the hold expires.</summary>
    private static async Task KeyAsync(IGrainFactory grains, long n, CancellationToken ct)
    {
        var install = grains.GetGrain<IInstallGrain>($"bench-retention-{n % Accounts:D3}");
        string requestId = $"key-{n}";
        await RetryAsync(() => install.Reserve(new InstallReserveRequest(requestId, Tier.Max, HasHardware: true)), r => r.Outcome, Outcome.Created, ct);
        switch (n % 20)
        {
            case 0:
                break;
            case 1:
                await RetryAsync(() => install.Release(requestId), r => r.Outcome, Outcome.Ok, ct);
                break;
            default:
                await RetryAsync(() => install.Commit(new InstallCommitRequest(requestId)), r => r.Outcome, Outcome.Ok, ct);
                break;
        }
    }

    private static async Task EventsAsync(IngestClient ingest, int day, int hour, DateTimeOffset at, int count, CancellationToken ct)
    {
        var random = new Random((day * 24) + hour);
        for (int sent = 0; sent < count; sent += Limits.MaxEventsPerBatch)
        {
            int size = Math.Min(Limits.MaxEventsPerBatch, count - sent);
            var batch = Enumerable.Range(sent, size).Select(i => new UsageEvent(
                $"d{day}-h{hour}-{i}",
                $"bench-retention-t{random.Next(Tenants)}",
                BenchMonth.DeploymentId(random.Next(BenchMonth.Deployments)),
                at.AddSeconds(random.Next(3_600)),
                InputTokens: random.Next(50, 8_000),
                OutputTokens: random.Next(10, 2_000),
                CustomerCharge: new decimal(random.Next(1, 500_000_000), 0, 0, false, 10))).ToList();
            await ingest.SendAsync(batch, ct);
        }
    }

    /// <summary>A call answered Unavailable (a full write queue) is sent again with the same key, a bounded number of times.</summary>
    private static async Task RetryAsync<T>(Func<Task<T>> call, Func<T, Outcome> outcome, Outcome expected, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            var answer = outcome(await call());
            if (answer == expected || (attempt > 1 && answer == Outcome.Replayed))
            {
                return;
            }

            if (answer != Outcome.Unavailable || attempt == MaxAttempts)
            {
                throw new InvalidOperationException($"the retention benchmark's call answered {answer} (attempt {attempt} of {MaxAttempts})");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5 * attempt), ct);
        }
    }

    /// <summary>Hour <paramref name="hour"/>'s share of a day's <paramref name="total"/>: equal shares, the remainder in the first hours.</summary>
    private static int Share(int total, int hour) => (total / 24) + (hour < total % 24 ? 1 : 0);

    private static string Describe(RetentionRun run) =>
        $"{run.Status}, {run.JournalRows:N0} journal rows, {run.Holds:N0} holds, {run.UsageEvents:N0} events deleted " +
        $"in {run.JournalBatches + run.EventBatches} statements, {run.Elapsed.TotalSeconds:N1} s";

    private static void Print(string when, IReadOnlyList<TableSize> sizes)
    {
        Console.WriteLine($"  tables {when}:");
        foreach (var t in sizes)
        {
            Console.WriteLine($"    {t.Table,-17} {t.Rows,12:N0} rows {t.TotalBytes / 1048576.0,10:N1} MiB");
        }
    }
}
