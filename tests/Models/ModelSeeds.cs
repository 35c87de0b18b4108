namespace Metering.Tests.Models;

/// <summary>
/// The seeds every seeded model test runs, one theory row each (the seed is in the row's name).
/// By default seeds 1 to <see cref="DefaultCount"/> (what CI runs). Environment variables:
/// <list type="bullet">
/// <item><c>METERING_MODEL_SEED</c>: only these seeds, to run a failure alone: a seed (<c>17</c>),
/// a list (<c>3,17,42</c>) or ranges (<c>1000-1999</c>).</item>
/// <item><c>METERING_MODEL_SEEDS</c>: seeds 1 to N instead of 1 to <see cref="DefaultCount"/>, for long runs.</item>
/// </list>
/// </summary>
public static class ModelSeeds
{
    /// <summary>Seeds per kind when nothing is set: what CI runs.</summary>
    public const int DefaultCount = 200;

    /// <summary>Names the seeds to run, alone.</summary>
    public const string SeedVariable = "METERING_MODEL_SEED";

    /// <summary>How many seeds to run (1 to N).</summary>
    public const string CountVariable = "METERING_MODEL_SEEDS";

    /// <summary>The seeds, as theory rows.</summary>
    public static TheoryData<int> Seeds
    {
        get
        {
            var data = new TheoryData<int>();
            foreach (int seed in Selected())
            {
                data.Add(seed);
            }

            return data;
        }
    }

    private static IEnumerable<int> Selected()
    {
        string? named = Environment.GetEnvironmentVariable(SeedVariable);
        if (!string.IsNullOrWhiteSpace(named))
        {
            return Parse(named);
        }

        string? count = Environment.GetEnvironmentVariable(CountVariable);
        if (string.IsNullOrWhiteSpace(count))
        {
            return Enumerable.Range(1, DefaultCount);
        }

        return int.TryParse(count, out int n) && n > 0
            ? Enumerable.Range(1, n)
            : throw new InvalidOperationException($"{CountVariable} must be a positive count of seeds, not '{count}'");
    }

    private static List<int> Parse(string text)
    {
        var seeds = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] range = part.Split('-', 2, StringSplitOptions.TrimEntries);
            if (range.Length == 1 && int.TryParse(range[0], out int seed))
            {
                seeds.Add(seed);
            }
            else if (range.Length == 2 && int.TryParse(range[0], out int first) && int.TryParse(range[1], out int last) && first <= last)
            {
                seeds.AddRange(Enumerable.Range(first, last - first + 1));
            }
            else
            {
                throw new InvalidOperationException($"{SeedVariable} takes seeds like '17', '3,17' or '100-199', not '{text}'");
            }
        }

        return [.. seeds.Distinct()];
    }
}
