namespace Metering.Bench;

/// <summary>Query times of the two tenants, in milliseconds, measured alternately.</summary>
internal sealed record InvoiceTiming(string Label, double[] SmallMs, double[] LargeMs)
{
    public double SmallMedianMs => Percentiles.Of(SmallMs, 50);

    public double SmallP95Ms => Percentiles.Of(SmallMs, 95);

    public double LargeMedianMs => Percentiles.Of(LargeMs, 50);

    public double LargeP95Ms => Percentiles.Of(LargeMs, 95);

    /// <summary>L's median over S's: about 1 when the query reads rollups, not events.</summary>
    public double Ratio => LargeMedianMs / SmallMedianMs;
}
