namespace Metering.GrainInterfaces.Admin;

/// <summary>
/// A pool near its limit: <see cref="UsedMicros"/> of <see cref="LimitMicros"/>, as a fraction
/// (1 or more when used up). Holds are not counted: they expire by themselves.
/// </summary>
[GenerateSerializer, Immutable, Alias("Metering.NearLimit")]
public sealed record NearLimit(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] long UsedMicros,
    [property: Id(3)] long LimitMicros,
    [property: Id(4)] double Fraction);
