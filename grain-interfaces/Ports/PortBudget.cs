namespace Metering.GrainInterfaces.Ports;

/// <summary>
/// A port's token budget. With <see cref="Enabled"/> false no cap is enforced and usage is still
/// recorded. Until an admin changes it: disabled, soft 100000, hard 500000, month.
/// </summary>
/// <param name="SoftCapTokens">Past it, reserves still succeed and say <c>softCap: true</c> (a warning).</param>
/// <param name="HardCapTokens">Used plus held tokens never pass it through reserves.</param>
/// <param name="UpdatedAt">When an admin last changed it; null for the defaults.</param>
/// <param name="UpdatedBy">The name of the API key (or service) that last changed it; null for the defaults.</param>
[GenerateSerializer, Immutable, Alias("Metering.PortBudget")]
public sealed record PortBudget(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] long SoftCapTokens,
    [property: Id(2)] long HardCapTokens,
    [property: Id(3)] BudgetPeriod Period,
    [property: Id(4)] DateTimeOffset? UpdatedAt = null,
    [property: Id(5)] string? UpdatedBy = null)
{
    /// <summary>The contract's defaults.</summary>
    public static PortBudget Default { get; } = new(false, 100_000, 500_000, BudgetPeriod.Month);
}
