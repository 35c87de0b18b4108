namespace Metering.Bench;

/// <summary>One tenant of the invoice benchmark: its size and whether its invoice matched what was sent.</summary>
/// <param name="Mismatch">Null when the invoice equals the sums of the events sent.</param>
internal sealed record TenantCheck(string Tenant, long Events, long RollupRows, string? Mismatch = null);
