using System.Text.RegularExpressions;

namespace Metering.Tests.Telemetry;

/// <summary>
/// The series a Prometheus text exposition (<c>/metrics</c>) holds: each name as exported (with
/// <c>_bucket</c>, <c>_total</c>...) and the label names seen on it.
/// </summary>
internal static partial class PrometheusNames
{
    public static async Task<Dictionary<string, HashSet<string>>> ScrapeAsync(HttpClient http)
    {
        string text = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        return Parse(text);
    }

    public static Dictionary<string, HashSet<string>> Parse(string exposition)
    {
        var series = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string line in exposition.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int end = line.IndexOfAny(['{', ' ']);
            string name = end < 0 ? line : line[..end];
            if (!series.TryGetValue(name, out var labels))
            {
                series[name] = labels = new HashSet<string>(StringComparer.Ordinal);
            }

            if (end >= 0 && line[end] == '{')
            {
                foreach (Match label in Label().Matches(line[end..]))
                {
                    labels.Add(label.Groups[1].Value);
                }
            }
        }

        return series;
    }

    // name="value" inside the braces; values are quoted, with \" escaped.
    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"[,}]""")]
    private static partial Regex Label();
}
