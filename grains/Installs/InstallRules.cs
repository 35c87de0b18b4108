using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;

namespace Metering.Grains.Installs;

/// <summary>
/// The install ledger's rules as pure functions (no I/O, no clock), matching the reference ledger:
/// <c>out_of_credits</c> when nothing remains, else <c>gemini</c> while the gemini cap has room (or
/// there is none), else <c>hardware</c> when the relay has it, else
/// <c>gemini_cap_exceeded_no_hardware</c>. Holds count like use.
/// </summary>
internal static class InstallRules
{
    /// <summary>The hold tag of gemini holds; hardware holds are tagged <c>hardware</c>.</summary>
    public static string TagOf(Backend backend) => backend == Backend.Gemini ? "gemini" : "hardware";

    /// <summary>
    /// The account with its monthly counters moved forward to <paramref name="month"/> (a
    /// <c>yyyy-MM</c> key), zeroed when that month is later than the account's. Counters only roll
    /// forward: a clock behind the account's month (another silo's, a step back across midnight on
    /// the 1st) leaves them alone, and the use counts in the account's month.
    /// </summary>
    public static InstallAccount InMonth(InstallAccount account, string month) =>
        string.CompareOrdinal(month, account.Month) > 0
            ? account with { Month = month, MonthlyConsumed = 0, MonthlyGeminiConsumed = 0 }
            : account;

    /// <summary>
    /// The balance on the counters <paramref name="quota"/> names. <paramref name="account"/> must be
    /// in the current month already. Amounts never read below zero (a commit may pass the limit).
    /// </summary>
    public static InstallBalance Balance(InstallAccount account, TierQuota quota, long reserved, long geminiReserved)
    {
        bool lifetime = quota.Basis == QuotaBasis.Lifetime;
        long consumed = lifetime ? account.LifetimeConsumed : account.MonthlyConsumed;
        long geminiConsumed = lifetime ? account.LifetimeGeminiConsumed : account.MonthlyGeminiConsumed;
        long? remaining = quota.Limit is { } limit ? Math.Max(0, limit - consumed - reserved) : null;
        long? geminiRemaining = quota.GeminiCap is { } cap ? Math.Max(0, cap - geminiConsumed - geminiReserved) : null;
        return new InstallBalance(remaining, geminiRemaining);
    }

    /// <summary>
    /// Decides a reserve of <paramref name="credits"/>: <see cref="Outcome.Created"/> with the
    /// backend, or the refusal. Checked in this order: credits, then the gemini cap, then hardware.
    /// </summary>
    public static (Outcome Outcome, Backend Backend) Decide(InstallBalance balance, long credits, bool hasHardware)
    {
        if (balance.Remaining is { } remaining && (remaining <= 0 || remaining < credits))
        {
            return (Outcome.OutOfCredits, Backend.Gemini);
        }

        if (balance.GeminiRemaining is not { } room || (room > 0 && room >= credits))
        {
            return (Outcome.Created, Backend.Gemini);
        }

        return hasHardware ? (Outcome.Created, Backend.Hardware) : (Outcome.GeminiCapExceededNoHardware, Backend.Gemini);
    }

    /// <summary>The balance once a hold of <paramref name="credits"/> on <paramref name="backend"/> is taken.</summary>
    public static InstallBalance AfterHold(InstallBalance balance, long credits, Backend backend) => new(
        balance.Remaining - credits,
        backend == Backend.Gemini ? balance.GeminiRemaining - credits : balance.GeminiRemaining);

    /// <summary>The most credits a counter may reach: 10^18, so sums of counters and holds stay inside a long.</summary>
    public const long MaxCounter = 1_000_000_000_000_000_000;

    /// <summary>True when recording <paramref name="credits"/> keeps every counter within <see cref="MaxCounter"/>.</summary>
    public static bool ConsumeFits(InstallAccount account, long credits) =>
        Math.Max(account.LifetimeConsumed, account.MonthlyConsumed) <= MaxCounter - credits;

    /// <summary>Records use of <paramref name="credits"/> on the counters the quota names.</summary>
    public static InstallAccount Consume(InstallAccount account, TierQuota quota, Backend backend, long credits)
    {
        long gemini = backend == Backend.Gemini ? credits : 0;
        return quota.Basis == QuotaBasis.Lifetime
            ? account with
            {
                LifetimeConsumed = account.LifetimeConsumed + credits,
                LifetimeGeminiConsumed = account.LifetimeGeminiConsumed + gemini,
            }
            : account with
            {
                MonthlyConsumed = account.MonthlyConsumed + credits,
                MonthlyGeminiConsumed = account.MonthlyGeminiConsumed + gemini,
            };
    }
}
