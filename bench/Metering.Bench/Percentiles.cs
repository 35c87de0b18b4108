namespace Metering.Bench;

/// <summary>Nearest-rank percentiles of a sample.</summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="percent"/>th percentile (nearest rank); 0 for an empty sample.</summary>
    public static double Of(IReadOnlyCollection<double> sample, double percent)
    {
        if (sample.Count == 0)
        {
            return 0;
        }

        double[] sorted = [.. sample.Order()];
        int rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
