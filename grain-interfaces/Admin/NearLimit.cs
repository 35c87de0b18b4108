namespace Metering.GrainInterfaces.Admin;

/// <summary>
/// An account near its limit: <see cref="Used"/> of <see cref="Limit"/> (in <see cref="Unit"/>), as a
/// fraction (1 or more when used up), as of <see cref="At"/>: the account's load, its last
/// committed flush or its last refused reserve. Holds are not counted: they expire by themselves.
/// </summary>
/// <param name="Kind">One of <c>pool</c>, <c>install</c>, <c>port</c>.</param>
/// <param name="Used">A pool's used micro-USD; an install's credits on its tier's basis; a port's tokens this period.</param>
/// <param name="Limit">A pool's limit; the install's tier quota; a port's hard cap. Never 0: unlimited accounts are not listed.</param>
/// <param name="Unit"><c>micros</c>, <c>credits</c> or <c>tokens</c>.</param>
/// <param name="ResetsAt">When the period the usage belongs to ends (a port's period, a monthly quota's month); null when it never resets.</param>
[GenerateSerializer, Immutable, Alias("Metering.NearLimit")]
public sealed record NearLimit(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] long Used,
    [property: Id(3)] long Limit,
    [property: Id(4)] double Fraction,
    [property: Id(5)] string Unit,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] DateTimeOffset? ResetsAt)
{
    /// <summary>The unit of a pool's amounts: micro-USD.</summary>
    public const string Micros = "micros";

    /// <summary>The unit of an install's amounts.</summary>
    public const string Credits = "credits";

    /// <summary>The unit of a port's amounts.</summary>
    public const string Tokens = "tokens";

    /// <summary>The reading of an account with a limit; null when it has none (0 or less), so it is never "near" one.</summary>
    public static NearLimit? Of(string kind, string id, long used, long limit, string unit, DateTimeOffset at, DateTimeOffset? resetsAt) =>
        limit <= 0 ? null : new NearLimit(kind, id, used, limit, (double)used / limit, unit, at, resetsAt);

    /// <summary>True while the usage it reads still counts: before <see cref="ResetsAt"/>.</summary>
    public bool CountsAt(DateTimeOffset now) => ResetsAt is not { } end || now < end;
}
