namespace Metering.Grains.Installs;

/// <summary>What remains of an install's quota and gemini cap after holds; null means no limit.</summary>
internal readonly record struct InstallBalance(long? Remaining, long? GeminiRemaining);
