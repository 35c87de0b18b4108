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
        "SELECT deployment_id, sum(input_tokens), sum(output_tokens), sum(requests), round(sum(customer_charge) * 100) " +
        "FROM usage_rollup_day WHERE tenant_id = $1 AND day BETWEEN $2 AND $3 " +
        "GROUP BY deployment_id HAVING round(sum(customer_charge) * 100) <> 0 ORDER BY deployment_id LIMIT $4";

    /// <summary>
    /// Most lines one invoice answers: one per deployment, so 10,000 deployments with usage in one
    /// period for one tenant. Past it: 400 (split the tenant or the period), never an unbounded answer.
    /// </summary>
    public const int MaxInvoiceLines = 10_000;

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
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = MaxInvoiceLines + 1 });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (lines.Count == MaxInvoiceLines)
                {
                    return TooLarge($"more than {MaxInvoiceLines} deployments have usage in this period");
                }

                // Sums are numeric in PostgreSQL; a line must fit the API's integers.
                if (!TryLong(reader.GetDecimal(1), out long input) || !TryLong(reader.GetDecimal(2), out long output)
                    || !TryLong(reader.GetDecimal(3), out long requests) || !TryLong(reader.GetDecimal(4), out long cents)
                    || input > long.MaxValue - output)
                {
                    return TooLarge($"the totals of deployment '{reader.GetString(0)}' exceed what an invoice line can carry");
                }

                lines.Add(new InvoiceLine(
                    reader.GetString(0),
                    Kind: "llm_usage",
                    ResourceKind: "llm_tokens",
                    Description: string.Create(CultureInfo.InvariantCulture, $"LLM tokens — {input} in / {output} out ({requests} requests)"),
                    Qty: input + output,
                    Unit: "token",
                    UnitPriceCents: null,
                    AmountCents: cents,
                    Meta: new InvoiceLineMeta(input, output, requests)));
            }
        }
        catch (Exception error) when (error is DbException or TimeoutException)
        {
            return new InvoiceResult(Outcome.Unavailable, []);
        }

        return new InvoiceResult(Outcome.Ok, lines);
    }

    private static bool TryLong(decimal value, out long result)
    {
        bool fits = value is >= long.MinValue and <= long.MaxValue;
        result = fits ? (long)value : 0;
        return fits;
    }

    private static InvoiceResult TooLarge(string message)
    {
        var errors = new ValidationErrors();
        errors.Add("periodEnd", message + "; ask for a shorter period");
        return new InvoiceResult(Outcome.InvalidRequest, [], errors);
    }
}
