using Metering.GrainInterfaces.Pools;

namespace Metering.Grains.Storage;

/// <summary>An audit record staged with its debit; written to <c>pool_audit</c> by the same flush.</summary>
internal sealed record PoolAuditRow(PoolUsageRecord Record) : SideRow;
