using System.Data.Common;
using System.Globalization;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Usage;
using Metering.Grains.Storage;
using Npgsql;
using Orleans.Concurrency;

namespace Metering.Grains.Usage;

/// <summary>
/// Invoice lines from <c>usage_rollup_day</c>: at most days × deployments rows per tenant and
/// period, however many events there are. Amounts are summed exactly in numeric and rounded
/// once, half away from zero (PostgreSQL's round on numeric).
/// </summary>
[StatelessWorker]
[GrainType("invoice")]
internal sealed class InvoiceGrain(LedgerStore store) : Grain, IInvoiceGrain
{
    private const string LinesSql =
        "SELECT deployment_id, sum(input_tokens)::bigint, sum(output_tokens)::bigint, sum(requests)::bigint, " +
        "round(sum(customer_charge) * 100)::bigint AS amount_cents " +
        "FROM usage_rollup_day WHERE tenant_id = $1 AND day BETWEEN $2 AND $3 " +
        "GROUP BY deployment_id HAVING round(sum(customer_charge) * 100) <> 0 ORDER BY deployment_id";

    public async Task<InvoiceResult> GetInvoiceLines(string tenantId, DateOnly periodStart, DateOnly periodEnd)
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("tenantId", tenantId);
        if (periodEnd < periodStart)
        {
            errors.Add("periodEnd", "must not be before periodStart");
        }
        else if (periodEnd.DayNumber - periodStart.DayNumber >= Limits.MaxInvoicePeriodDays)
        {
            errors.Add("periodEnd", $"a period may span at most {Limits.MaxInvoicePeriodDays} days");
        }

        if (!errors.IsEmpty)
        {
            return new InvoiceResult(Outcome.InvalidRequest, [], errors);
        }

        var lines = new List<InvoiceLine>();
        try
        {
            await using var cmd = store.DataSource.CreateCommand(LinesSql);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
            cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = periodStart });
            cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = periodEnd });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                long input = reader.GetInt64(1), output = reader.GetInt64(2), requests = reader.GetInt64(3);
                lines.Add(new InvoiceLine(
                    reader.GetString(0),
                    Kind: "llm_usage",
                    ResourceKind: "llm_tokens",
                    Description: string.Create(CultureInfo.InvariantCulture, $"LLM tokens — {input} in / {output} out ({requests} requests)"),
                    Qty: input + output,
                    Unit: "token",
                    UnitPriceCents: null,
                    AmountCents: reader.GetInt64(4),
                    Meta: new InvoiceLineMeta(input, output, requests)));
            }
        }
        catch (Exception error) when (error is DbException or TimeoutException)
        {
            return new InvoiceResult(Outcome.Unavailable, []);
        }

        return new InvoiceResult(Outcome.Ok, lines);
    }
}
