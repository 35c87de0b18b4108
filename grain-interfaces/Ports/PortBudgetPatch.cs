using Metering.GrainInterfaces.Common;

namespace Metering.GrainInterfaces.Ports;

/// <summary>A partial budget change: null members keep their current value.</summary>
[GenerateSerializer, Immutable, Alias("Metering.PortBudgetPatch")]
public sealed record PortBudgetPatch(
    [property: Id(0)] bool? Enabled = null,
    [property: Id(1)] long? SoftCapTokens = null,
    [property: Id(2)] long? HardCapTokens = null,
    [property: Id(3)] BudgetPeriod? Period = null)
{
    /// <summary>
    /// The budget after this patch, or the errors: a cap out of 0 to 10^15, a soft cap above the
    /// hard cap (after merging), an unknown period.
    /// </summary>
    public (PortBudget? Budget, ValidationErrors? Errors) ApplyTo(PortBudget current)
    {
        var errors = new ValidationErrors();
        if (SoftCapTokens is { } soft)
        {
            errors.RequireAmount("softCapTokens", soft);
        }

        if (HardCapTokens is { } hard)
        {
            errors.RequireAmount("hardCapTokens", hard);
        }

        if (Period is { } period && !Enum.IsDefined(period))
        {
            errors.Add("period", "must be day, week or month");
        }

        var merged = current with
        {
            Enabled = Enabled ?? current.Enabled,
            SoftCapTokens = SoftCapTokens ?? current.SoftCapTokens,
            HardCapTokens = HardCapTokens ?? current.HardCapTokens,
            Period = Period ?? current.Period,
        };
        if (errors.IsEmpty && merged.SoftCapTokens > merged.HardCapTokens)
        {
            errors.Add("softCapTokens", $"must not be above hardCapTokens ({merged.HardCapTokens})");
        }

        return errors.IsEmpty ? (merged, null) : (null, errors);
    }
}
