using Metering.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Metering.Bench;

/// <summary>One benchmark run: PostgreSQL up, schema, silo, the scenarios asked for, the report, everything down.</summary>
internal static class BenchRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException error)
        {
            Console.Error.WriteLine($"bench: {error.Message}");
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("bench: stopping (Ctrl-C); PostgreSQL will be destroyed");
            cancel.Cancel();
        };

        // SIGTERM (a CI timeout, `kill`) stops the run the same way, so the silo and client-api
        // processes of the http scenario and PostgreSQL are stopped, not left behind.
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                Console.Error.WriteLine("bench: stopping (SIGTERM); PostgreSQL will be destroyed");
                cancel.Cancel();
            });

        try
        {
            return await RunAsync(options, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException or NpgsqlException or IOException or OrleansException or HttpRequestException)
        {
            Console.Error.WriteLine($"bench: failed: {error}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var startedAt = DateTimeOffset.UtcNow;
        if (options.RunsDashboard)
        {
            // Before anything starts: a run of every scenario should not find out at its end.
            DashboardBrowser.ThrowIfMissing();
        }

        Console.WriteLine($"==> PostgreSQL: starting a throwaway cluster with {(options.Fast ? "--fast settings (fsync off: NOT durable)" : "durable settings (fsync on)")}");
        await using var postgres = await LocalPostgres.StartAsync(RepoRoot.Find(), options.Fast, ct);
        await SchemaMigrator.MigrateAsync(postgres.ConnectionString, NullLogger.Instance, TimeSpan.FromSeconds(30), ct);
        await using var admin = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { MaxPoolSize = 2 }.ConnectionString);
        var server = await ServerFacts.ReadAsync(
            admin, new NpgsqlConnectionStringBuilder(postgres.ConnectionString).MaxPoolSize, ct);
        Console.WriteLine($"  PostgreSQL {server.Version}, {server.Describe()}");
        var run = RunInfo.Collect(startedAt, options, server);
        Console.WriteLine($"  machine: {run.Cores} cores, {run.Cpu}, {run.Memory}, load average {run.LoadAverage}; {run.Runtime}");

        IngestFigures? ingestFigures = null;
        LedgerFigures? ledgerFigures = null;
        InvoiceFigures? invoiceFigures = null;
        if (options.RunsInProcessSilo)
        {
            Console.WriteLine("==> starting an in-process silo");
            await using var silo = await BenchSilo.StartAsync(postgres.ConnectionString, ct);
            var ingest = new IngestClient(silo.Grains);
            if (options.RunsIngest)
            {
                ingestFigures = await new IngestBenchmark(ingest, admin, postgres.ConnectionString, options).RunAsync(ct);
            }

            if (options.RunsLedger)
            {
                var cpu = await CpuMeter.CreateAsync(admin, ct);
                ledgerFigures = await new LedgerBenchmark(silo.Grains, admin, postgres.ConnectionString, cpu, options).RunAsync(ct);
            }

            if (options.RunsInvoice)
            {
                invoiceFigures = await new InvoiceBenchmark(silo.Grains, ingest, admin, options).RunAsync(ct);
            }
        }

        HttpFigures? httpFigures = null;
        if (options.RunsHttp)
        {
            // After the in-process silo has stopped: only the real processes compete for the cores.
            httpFigures = await new HttpBenchmark(admin, postgres.ConnectionString, server, options).RunAsync(ct);
        }

        DashboardFigures? dashboardFigures = null;
        if (options.RunsDashboard)
        {
            // Real processes of its own on a database of its own, after the http scenario's have stopped.
            dashboardFigures = await new DashboardBenchmark(admin, postgres.ConnectionString, options).RunAsync(ct);
        }

        MemoryFigures? memoryFigures = null;
        if (options.RunsMemory)
        {
            // Its own silo (its own memory settings), alone in this process's heap.
            memoryFigures = await new MemoryBenchmark(postgres.ConnectionString, options).RunAsync(ct);
        }

        RetentionFigures? retentionFigures = null;
        if (options.RunsRetention)
        {
            // Its own silo (a clock that walks through simulated days) on its own database.
            retentionFigures = await new RetentionBenchmark(postgres.ConnectionString, admin, options).RunAsync(ct);
        }

        run = run with { LoadAverage = $"{run.LoadAverage} at the start, {RunInfo.LoadAverageNow()} at the end" };
        // The whole report, or for a scenario with a section of its own only that section. Either
        // way the sections of what ran replace their own in the file, and the rest (other
        // scenarios' figures, history written by hand) stays.
        string markdown = options.Scenario switch
        {
            Scenario.Http => HttpReport.Render(run, httpFigures),
            Scenario.Memory => MemoryReport.Render(run, memoryFigures),
            Scenario.Dashboard => DashboardReport.Render(run, dashboardFigures),
            _ => MarkdownReport.Render(run, ingestFigures, ledgerFigures, invoiceFigures, retentionFigures, httpFigures)
                + "\n" + MemoryReport.Render(run, memoryFigures)
                + "\n" + DashboardReport.Render(run, dashboardFigures),
        };
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.OutPath is { } path)
        {
            string full = Path.GetFullPath(path);
            string document = File.Exists(full) ? await File.ReadAllTextAsync(full, ct) : "";
            if (document.Length == 0 && !markdown.StartsWith("# ", StringComparison.Ordinal))
            {
                document = "# Benchmarks\n";
            }

            await File.WriteAllTextAsync(full, MarkdownSection.Merge(document, markdown), ct);
            Console.WriteLine($"==> wrote the sections of this run into {full}");
        }

        if (invoiceFigures is { Correct: false })
        {
            Console.Error.WriteLine("bench: an invoice did not match the events sent (see above)");
            return 3;
        }

        return 0;
    }
}
