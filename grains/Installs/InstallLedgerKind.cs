using Metering.Grains.Engine;
using Metering.Grains.Storage;
using Metering.Grains.Time;

namespace Metering.Grains.Installs;

/// <summary>The install account kind, for the engine.</summary>
internal sealed class InstallLedgerKind : LedgerKind<InstallAccount, InstallHoldDetail, NoSideState>
{
    public static InstallLedgerKind Instance { get; } = new();

    public override string Name => AccountKinds.Install;

    public override InstallAccount Blank(string accountId, DateTimeOffset now) => InstallAccount.Blank(UtcCalendar.MonthKey(now));

    public override void CheckInvariants(InstallAccount account)
    {
        Invariant.Require(account.LifetimeConsumed >= 0 && account.MonthlyConsumed >= 0, "an install counter is negative");
        Invariant.Require(account.LifetimeGeminiConsumed <= account.LifetimeConsumed, "lifetime gemini use exceeds lifetime use");
        Invariant.Require(account.MonthlyGeminiConsumed <= account.MonthlyConsumed, "monthly gemini use exceeds monthly use");
        Invariant.Require(account.LifetimeGeminiConsumed >= 0 && account.MonthlyGeminiConsumed >= 0, "a gemini counter is negative");
    }

    public override Task<NoSideState> LoadSideAsync(LedgerStore store, string accountId, DateTimeOffset now) => NoSideState.Loaded;
}
