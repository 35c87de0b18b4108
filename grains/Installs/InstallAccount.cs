using Metering.GrainInterfaces.Installs;

namespace Metering.Grains.Installs;

/// <summary>
/// The stored state of one install (the <c>state</c> JSON of its <c>ledger_account</c> row). Counters
/// are in credits. The monthly counters belong to <see cref="Month"/>; a later month reads them as 0.
/// </summary>
internal sealed record InstallAccount(
    Tier Tier,
    long LifetimeConsumed,
    long LifetimeGeminiConsumed,
    string Month,
    long MonthlyConsumed,
    long MonthlyGeminiConsumed,
    DateTimeOffset? LastActiveAt)
{
    public static InstallAccount Blank(string month) => new(Tier.Core, 0, 0, month, 0, 0, null);
}
