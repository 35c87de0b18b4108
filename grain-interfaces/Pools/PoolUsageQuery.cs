using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Pools;

/// <summary>Which audit records to list: <c>at</c> in [<paramref name="From"/>, <paramref name="To"/>) when given, after the cursor, oldest first.</summary>
/// <param name="After">The <see cref="PoolUsageRecord.Sequence"/> of the last record of the previous page.</param>
/// <param name="Limit">1 to <see cref="Limits.MaxPageSize"/>.</param>
[GenerateSerializer, Immutable, Alias("Metering.PoolUsageQuery")]
public sealed record PoolUsageQuery(
    [property: Id(0)] DateTimeOffset? From,
    [property: Id(1)] DateTimeOffset? To,
    [property: Id(2)] long? After,
    [property: Id(3)] int Limit = Limits.DefaultPageSize);
