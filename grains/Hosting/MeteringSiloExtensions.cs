using Metering.Grains.Engine;
using Metering.Grains.Retention;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Metering.Grains.Hosting;

/// <summary>Registers what the grains need on a silo, for the real silo and the test clusters alike.</summary>
public static class MeteringSiloExtensions
{
    /// <summary>The meter and activity source name of the ledger, for telemetry setup.</summary>
    public const string LedgerMeterName = Engine.LedgerMetrics.MeterName;

    /// <summary>
    /// The ledger's PostgreSQL data source and store, the system clock (unless one is registered
    /// already, as tests do), and the ADO.NET grain storage for configuration state, pinned to
    /// System.Text.Json so stored rows do not depend on .NET type names.
    /// </summary>
    public static ISiloBuilder AddMeteringGrains(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.TryAddSingleton(new LedgerClock(TimeProvider.System));
        // The ingest worker refuses events older than the usage-event retention; without
        // AddMeteringRetention (test clusters, the benchmark) that is the default window.
        silo.Services.TryAddSingleton(RetentionSettings.Default);
        silo.Services.AddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            // The ledger sends a handful of statements thousands of times a second: let Npgsql
            // prepare them on each connection instead of having PostgreSQL parse and plan every
            // flush again. An explicit setting in the connection string wins.
            if (!SetsMaxAutoPrepare(connectionString))
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
            }

            return builder.Build();
        });
        silo.Services.AddSingleton(services => new LedgerStore(services.GetRequiredService<NpgsqlDataSource>()));
        silo.Services.AddSingleton<Usage.UsageEventWriter>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<Installs.TierQuotasCache>();
        // The dashboard's overview: this silo's recent ledger activity, told to the overview grain.
        silo.Services.TryAddSingleton<Admin.LedgerActivity>();
        silo.Services.TryAddSingleton<Admin.NearLimitBoard>();
        silo.Services.AddHostedService<Admin.ActivityReporter>();
        // One instance per silo: its remembered-entries count is this silo's alone.
        silo.Services.TryAddSingleton(_ => AccountMemory.CreateDefault());
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<AccountMemory>(ApplyAccountMemory);
        silo.Services.AddKeyedSingleton<IGrainStorageSerializer, SystemTextJsonGrainStorageSerializer>(StorageNames.Config);
        silo.AddAdoNetGrainStorage(StorageNames.Config, options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });
        return silo;
    }

    /// <summary>
    /// The retention clean-up (<see cref="RetentionCleaner"/>) with these settings, run on this
    /// silo every <see cref="RetentionSettings.Interval"/> unless disabled; the settings also set
    /// the ingest worker's window. Call after <see cref="AddMeteringGrains"/>. Test clusters leave
    /// it out, so no run deletes rows while a test moves the clock; they call the cleaner directly.
    /// </summary>
    public static ISiloBuilder AddMeteringRetention(this ISiloBuilder silo, RetentionSettings settings)
    {
        silo.Services.Replace(ServiceDescriptor.Singleton(settings));
        silo.Services.TryAddSingleton<RetentionCleaner>();
        if (settings.Enabled)
        {
            silo.Services.AddHostedService<RetentionService>();
        }

        return silo;
    }

    /// <summary>
    /// How much account grains keep in memory (<see cref="AccountMemory"/>), instead of the
    /// defaults. Call after <see cref="AddMeteringGrains"/>.
    /// </summary>
    public static ISiloBuilder AddMeteringAccountMemory(this ISiloBuilder silo, AccountMemory memory)
    {
        silo.Services.Replace(ServiceDescriptor.Singleton(memory.Validated()));
        return silo;
    }

    /// <summary>
    /// Idle account grains are collected after <see cref="AccountMemory.IdleAfter"/> (Orleans'
    /// per-class collection age; Orleans looks for idle grains every collection quantum, so the
    /// quantum is shortened for idle times under two minutes), and Orleans' activation shedding
    /// under memory pressure is on or off as set.
    /// </summary>
    private static void ApplyAccountMemory(GrainCollectionOptions options, AccountMemory memory)
    {
        foreach (var grain in new[] { typeof(Installs.InstallGrain), typeof(Pools.PoolGrain), typeof(Ports.PortGrain) })
        {
            options.ClassSpecificCollectionAge[grain.FullName!] = memory.IdleAfter;
        }

        if (memory.IdleAfter < TimeSpan.FromMinutes(2))
        {
            options.CollectionQuantum = memory.IdleAfter / 2;
        }

        options.EnableActivationSheddingOnMemoryPressure = memory.ShedOnMemoryPressure;
    }

    /// <summary>True when the connection string sets Max Auto Prepare itself (0 included: then it is off).</summary>
    internal static bool SetsMaxAutoPrepare(string connectionString)
    {
        var raw = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return raw.Keys.Cast<string>().Any(key => key.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
    }
}
