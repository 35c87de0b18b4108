namespace Metering.GrainInterfaces.Usage;

/// <summary>Invoice lines from the per-day rollups. Stateless; any key works.</summary>
[Alias("Metering.IInvoiceGrain")]
public interface IInvoiceGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// One line per deployment with usage in [<paramref name="periodStart"/>, <paramref name="periodEnd"/>]
    /// (both UTC days inclusive), ordered by deployment; lines whose amount rounds to 0 are left out.
    /// </summary>
    [Alias("GetInvoiceLines")]
    Task<InvoiceResult> GetInvoiceLines(string tenantId, DateOnly periodStart, DateOnly periodEnd);
}
