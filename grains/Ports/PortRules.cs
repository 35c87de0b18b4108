using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;

namespace Metering.Grains.Ports;

/// <summary>
/// The port budget's rules, pure (no I/O, no clock). Checked in this order: a disabled budget
/// allows everything; nothing left under the hard cap is <c>hard-cap-exceeded</c>; an estimate
/// larger than what is left is <c>estimated-exceeds-cap</c>; else the hold is taken.
/// </summary>
internal static class PortRules
{
    /// <summary>
    /// The most tokens a port may have recorded within its kept window: 10^18, so that every sum
    /// of usage and holds stays inside a long.
    /// </summary>
    public const long MaxWindowTokens = 1_000_000_000_000_000_000;

    /// <summary>True when recording <paramref name="tokens"/> keeps the window's usage within <see cref="MaxWindowTokens"/>.</summary>
    public static bool UsageFits(PortUsageBook book, long tokens) => book.Used(DateOnly.MinValue) <= MaxWindowTokens - tokens;

    /// <summary>The error for a call that would pass <see cref="MaxWindowTokens"/>.</summary>
    public static ValidationErrors UsageTooLarge()
    {
        var errors = new ValidationErrors();
        errors.Add("outputTokens", $"would take the port's usage within {Limits.PortUsageWindowDays} days past {MaxWindowTokens} tokens");
        return errors;
    }

    /// <summary>The decision for a reserve of <paramref name="estimate"/> tokens.</summary>
    public static Outcome Decide(PortBudget budget, long used, long held, long estimate)
    {
        if (!budget.Enabled)
        {
            return Outcome.Created;
        }

        long left = budget.HardCapTokens - used - held;
        if (left <= 0)
        {
            return Outcome.HardCapExceeded;
        }

        return estimate > left ? Outcome.EstimatedExceedsCap : Outcome.Created;
    }

    /// <summary>Tokens left under the hard cap after use and holds, never below 0; null when disabled.</summary>
    public static long? Remaining(PortBudget budget, long used, long held) =>
        budget.Enabled ? Math.Max(0, budget.HardCapTokens - used - held) : null;

    /// <summary>The warning flag: usage has reached the soft cap (only when the budget is enabled).</summary>
    public static bool SoftCapReached(PortBudget budget, long used) => budget.Enabled && used >= budget.SoftCapTokens;
}
