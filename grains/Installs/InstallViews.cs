using Metering.GrainInterfaces.Installs;

namespace Metering.Grains.Installs;

/// <summary>Builds the install row readers see, for the grain and the admin list alike.</summary>
internal static class InstallViews
{
    public static InstallAccountView Account(string installId, InstallAccount account, long reserved, InstallBalance balance, QuotaBasis basis) => new(
        installId,
        account.Tier,
        account.LifetimeConsumed,
        account.LifetimeGeminiConsumed,
        account.Month,
        account.MonthlyConsumed,
        account.MonthlyGeminiConsumed,
        reserved,
        balance.Remaining,
        balance.GeminiRemaining,
        basis,
        account.LastActiveAt);
}
