using System.Threading.RateLimiting;

namespace Metering.ClientApi.Auth;

/// <summary>
/// A key's request rate (API.md: <c>429 rate_limited</c>): <see cref="Requests"/> per
/// <see cref="PeriodSeconds"/>, with bursts up to <see cref="Burst"/>. A token bucket, so a relay
/// that was quiet may send its burst at once. Keys have none unless configured.
/// </summary>
internal sealed record KeyRate(int Requests, int PeriodSeconds, int Burst)
{
    /// <summary>Largest value of each setting: far above any real rate, small enough to stay exact.</summary>
    public const int MaxSetting = 1_000_000;

    public TokenBucketRateLimiterOptions ToOptions() => new()
    {
        TokenLimit = Burst,
        TokensPerPeriod = Requests,
        ReplenishmentPeriod = TimeSpan.FromSeconds(PeriodSeconds),
        // Over the rate is answered at once with Retry-After, never held in a queue.
        QueueLimit = 0,
        // The partitioned limiter replenishes every bucket from one timer.
        AutoReplenishment = false,
    };

    /// <summary>The key's rate from <c>{key}:RateLimit:Requests</c>, <c>:PeriodSeconds</c> (default 1) and <c>:Burst</c> (default Requests); null when not set.</summary>
    public static KeyRate? FromConfiguration(string keyName, IConfigurationSection key)
    {
        var section = key.GetSection("RateLimit");
        if (section["Requests"] is not { Length: > 0 } requestsText)
        {
            return section.GetChildren().Any()
                ? throw new InvalidOperationException($"Metering:ApiKeys:{keyName}:RateLimit needs Requests")
                : null;
        }

        int requests = Setting(keyName, "Requests", requestsText);
        int period = section["PeriodSeconds"] is { Length: > 0 } p ? Setting(keyName, "PeriodSeconds", p) : 1;
        int burst = section["Burst"] is { Length: > 0 } b ? Setting(keyName, "Burst", b) : requests;
        return new KeyRate(requests, period, burst);
    }

    private static int Setting(string keyName, string name, string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) && value is >= 1 and <= MaxSetting
            ? value
            : throw new InvalidOperationException($"Metering:ApiKeys:{keyName}:RateLimit:{name} must be a whole number from 1 to {MaxSetting:N0}");
}
