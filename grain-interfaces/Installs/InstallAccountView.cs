namespace Metering.GrainInterfaces.Installs;

/// <summary>An install's row: counters in credits, balance as of now.</summary>
/// <param name="Month">The UTC month the monthly counters belong to, <c>yyyy-MM</c>.</param>
/// <param name="Reserved">Credits held by open, unexpired reservations.</param>
/// <param name="Remaining">Credits left under the quota after holds; null when unlimited.</param>
/// <param name="GeminiRemaining">Room left under the gemini cap after gemini holds; null when there is no cap.</param>
/// <param name="LastActiveAt">The last reserve, commit or release; null for an install never seen.</param>
[GenerateSerializer, Immutable, Alias("Metering.InstallAccountView")]
public sealed record InstallAccountView(
    [property: Id(0)] string InstallId,
    [property: Id(1)] Tier Tier,
    [property: Id(2)] long LifetimeConsumed,
    [property: Id(3)] long LifetimeGeminiConsumed,
    [property: Id(4)] string Month,
    [property: Id(5)] long MonthlyConsumed,
    [property: Id(6)] long MonthlyGeminiConsumed,
    [property: Id(7)] long Reserved,
    [property: Id(8)] long? Remaining,
    [property: Id(9)] long? GeminiRemaining,
    [property: Id(10)] QuotaBasis Capped,
    [property: Id(11)] DateTimeOffset? LastActiveAt);
