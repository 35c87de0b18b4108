namespace Metering.GrainInterfaces.Admin;

/// <summary>
/// One tenant's usage of one deployment on one UTC day. <see cref="Charge"/> is the exact sum of
/// the events' customer charges in US dollars, as a decimal string (never rounded per day).
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.TenantDay")]
public sealed record TenantDay(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] string DeploymentId,
    [property: Id(2)] long Requests,
    [property: Id(3)] long InputTokens,
    [property: Id(4)] long OutputTokens,
    [property: Id(5)] string Charge);
