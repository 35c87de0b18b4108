namespace Metering.GrainInterfaces.Admin;

/// <summary>A cluster member as Orleans' membership table knows it, and when it last reported activity.</summary>
/// <param name="Status">Orleans' status: <c>Active</c>, <c>Joining</c>, <c>ShuttingDown</c>, ...</param>
/// <param name="StartedAt">From the membership table; null while it cannot be read (PostgreSQL unreachable).</param>
/// <param name="ReportedAt">Its last activity report; null when none arrived recently.</param>
[GenerateSerializer, Immutable, Alias("Metering.SiloState")]
public sealed record SiloState(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string Status,
    [property: Id(3)] DateTimeOffset? StartedAt,
    [property: Id(4)] DateTimeOffset? ReportedAt);
