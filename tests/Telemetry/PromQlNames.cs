using System.Text.RegularExpressions;

namespace Metering.Tests.Telemetry;

/// <summary>
/// The metric and label names a PromQL expression uses, read with a few patterns (enough for the
/// dashboard's expressions: selectors, ranges, <c>by</c> groups, functions, numbers).
/// </summary>
internal static partial class PromQlNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool", "offset",
    };

    public static (HashSet<string> Metrics, HashSet<string> Labels) Read(string expr)
    {
        string text = StringLiteral().Replace(expr, "\"\"");
        text = Range().Replace(text, "");
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match selector in Selector().Matches(text))
        {
            foreach (Match matcher in Matcher().Matches(selector.Groups[1].Value))
            {
                labels.Add(matcher.Groups[1].Value);
            }
        }

        foreach (Match group in Grouping().Matches(text))
        {
            foreach (string label in group.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                labels.Add(label);
            }
        }

        text = Selector().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        var metrics = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match name in Identifier().Matches(text))
        {
            if (!Keywords.Contains(name.Value))
            {
                metrics.Add(name.Value);
            }
        }

        return (metrics, labels);
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Range();

    [GeneratedRegex(@"\{([^}]*)\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\b(?:by|without)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();

    // A name not preceded by a digit, letter or dot (so not inside a number like 1e-9) and not
    // followed by "(" (a function); atomic, so a function name is not read as a shorter metric name.
    [GeneratedRegex(@"(?<![\w.])(?>[a-zA-Z_:][a-zA-Z0-9_:]*)(?!\s*\()")]
    private static partial Regex Identifier();
}
