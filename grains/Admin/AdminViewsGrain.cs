using System.Data.Common;
using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.Grains.Storage;
using Metering.Grains.Time;
using Orleans.Concurrency;

namespace Metering.Grains.Admin;

/// <summary>
/// The admin views, read straight from PostgreSQL (what is acknowledged is committed there), the
/// same path as the install list (<see cref="Installs.InstallCatalogGrain"/>). Stateless: Orleans
/// runs it on the silo that is called. Arguments are checked again here, because .NET services
/// call grains directly; an unreachable database is <see cref="Outcome.Unavailable"/>.
/// </summary>
[StatelessWorker]
[GrainType("admin-views")]
internal sealed class AdminViewsGrain(LedgerStore store, LedgerClock clock) : Grain, IAdminViewsGrain
{
    public Task<PoolPage> ListPools(string? after, int limit) =>
        Page(after, limit, () => AdminViewQueries.PoolsAsync(store.DataSource, after, limit, UtcCalendar.Now(clock)),
            (o, items, more) => new PoolPage(o, items, more ? items[^1].PoolId : null));

    public Task<PortPage> ListPorts(string? after, int limit) =>
        Page(after, limit, () => AdminViewQueries.PortsAsync(store.DataSource, after, limit, UtcCalendar.Now(clock)),
            (o, items, more) => new PortPage(o, items, more ? items[^1].PortId : null));

    public Task<TenantPage> ListTenants(string? after, int limit) =>
        Page(after, limit, () => AdminViewQueries.TenantsAsync(store.DataSource, after, limit),
            (o, items, more) => new TenantPage(o, items, more ? items[^1].TenantId : null));

    public async Task<PortDailyResult> PortDaily(string portId, DateOnly from, DateOnly to)
    {
        if (SeriesErrors("portId", portId, from, to) is { } errors)
        {
            return new PortDailyResult(Outcome.InvalidRequest, [], errors);
        }

        try
        {
            var items = await AdminViewQueries.PortDailyAsync(store.DataSource, portId, from, to);
            return items is null ? new PortDailyResult(Outcome.InvalidRequest, [], TooManyRows()) : new PortDailyResult(Outcome.Ok, items);
        }
        catch (Exception error) when (error is DbException or TimeoutException)
        {
            return new PortDailyResult(Outcome.Unavailable, []);
        }
    }

    public async Task<TenantDailyResult> TenantDaily(string tenantId, DateOnly from, DateOnly to)
    {
        if (SeriesErrors("tenantId", tenantId, from, to) is { } errors)
        {
            return new TenantDailyResult(Outcome.InvalidRequest, [], errors);
        }

        try
        {
            var items = await AdminViewQueries.TenantDailyAsync(store.DataSource, tenantId, from, to);
            return items is null ? new TenantDailyResult(Outcome.InvalidRequest, [], TooManyRows()) : new TenantDailyResult(Outcome.Ok, items);
        }
        catch (Exception error) when (error is DbException or TimeoutException)
        {
            return new TenantDailyResult(Outcome.Unavailable, []);
        }
    }

    public async Task<BudgetChangePage> PortBudgetChanges(string portId, long? before, int limit)
    {
        var errors = PageErrors(null, limit);
        errors.RequireIdentifier("portId", portId);
        if (before is < 1)
        {
            errors.Add("after", "must be the cursor of a previous page");
        }

        if (!errors.IsEmpty)
        {
            return new BudgetChangePage(Outcome.InvalidRequest, [], null);
        }

        try
        {
            var (items, more) = await AdminViewQueries.BudgetChangesAsync(store.DataSource, portId, before, limit);
            return new BudgetChangePage(Outcome.Ok, items, more ? items[^1].Seq : null);
        }
        catch (Exception error) when (error is DbException or TimeoutException)
        {
            return new BudgetChangePage(Outcome.Unavailable, [], null);
        }
    }

    public async Task<GrantPage> PoolGrants(string poolId, string? after, int limit)
    {
        var errors = PageErrors(after, limit);
        errors.RequireIdentifier("poolId", poolId);
        if (!errors.IsEmpty)
        {
            return new GrantPage(Outcome.InvalidRequest, [], null);
        }

        try
        {
            var (items, more) = await AdminViewQueries.GrantsAsync(store.DataSource, poolId, after, limit);
            return new GrantPage(Outcome.Ok, items, more ? items[^1].GrantId : null);
        }
        catch (Exception error) when (error is DbException or TimeoutException)
        {
            return new GrantPage(Outcome.Unavailable, [], null);
        }
    }

    private static async Task<TPage> Page<TItem, TPage>(
        string? after, int limit, Func<Task<(List<TItem> Items, bool More)>> read, Func<Outcome, List<TItem>, bool, TPage> page)
    {
        if (!PageErrors(after, limit).IsEmpty)
        {
            return page(Outcome.InvalidRequest, [], false);
        }

        try
        {
            var (items, more) = await read();
            return page(Outcome.Ok, items, more);
        }
        catch (Exception error) when (error is DbException or TimeoutException)
        {
            return page(Outcome.Unavailable, [], false);
        }
    }

    private static ValidationErrors PageErrors(string? after, int limit)
    {
        var errors = new ValidationErrors();
        if (limit is < 1 or > Limits.MaxPageSize)
        {
            errors.Add("limit", $"must be an integer from 1 to {Limits.MaxPageSize}");
        }

        if (after is not null && !Identifier.IsValid(after))
        {
            errors.Add("after", "must be the cursor of a previous page");
        }

        return errors;
    }

    /// <summary>The checks of every series, in order: the account's id, then the range (to not before from, at most <see cref="Limits.MaxSeriesDays"/> days).</summary>
    internal static ValidationErrors? SeriesErrors(string idName, string id, DateOnly from, DateOnly to)
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier(idName, id);
        if (to < from)
        {
            errors.Add("to", "must not be before from");
        }
        else if (to.DayNumber - from.DayNumber + 1 > Limits.MaxSeriesDays)
        {
            errors.Add("to", $"a series spans at most {Limits.MaxSeriesDays} days (both dates inclusive)");
        }

        return errors.OrNull();
    }

    private static ValidationErrors TooManyRows()
    {
        var errors = new ValidationErrors();
        errors.Add("to", $"the range holds more than {Limits.MaxSeriesRows} rows; ask for a shorter range");
        return errors;
    }
}
