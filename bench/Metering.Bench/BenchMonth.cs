namespace Metering.Bench;

/// <summary>The billing period every generated event falls in: 30 UTC days, 10 deployments per tenant.</summary>
internal static class BenchMonth
{
    public const int Days = 30;

    public const int Deployments = 10;

    public static DateOnly First { get; } = new(2026, 11, 1);

    public static DateOnly Last { get; } = First.AddDays(Days - 1);

    public static DateTimeOffset Start { get; } = new(First.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static string DeploymentId(int index) => $"dep-{index:D2}";
}
