namespace Metering.Bench;

/// <summary>
/// Replaces one level-2 section of a markdown document, so that a run of one scenario updates its
/// own section of docs/benchmarks.md and keeps every other one (earlier runs, history written by
/// hand) as it was.
/// </summary>
internal static class MarkdownSection
{
    private const string Level2 = "## ";

    /// <summary>
    /// <paramref name="document"/> with the section whose heading is the first line of
    /// <paramref name="section"/> replaced by it: from that heading line to the next line starting
    /// with "## " (or the end). A document without that heading gets the section at its end.
    /// </summary>
    public static string Replace(string document, string section)
    {
        string heading = section.Split('\n', 2)[0].TrimEnd('\r');
        if (!heading.StartsWith(Level2, StringComparison.Ordinal))
        {
            throw new ArgumentException($"a section starts with a '{Level2}' heading, not '{heading}'", nameof(section));
        }

        string body = section.TrimEnd('\n') + "\n";
        var lines = document.Split('\n').ToList();
        int start = lines.FindIndex(l => l.TrimEnd('\r') == heading);
        if (start < 0)
        {
            return document.TrimEnd('\n') + "\n\n" + body;
        }

        // Lines before the heading end with the blank line that separates sections; one blank line after the section too.
        int end = lines.FindIndex(start + 1, l => l.StartsWith(Level2, StringComparison.Ordinal));
        string before = start > 0 ? string.Join('\n', lines.Take(start)) + "\n" : "";
        string after = end < 0 ? "" : "\n" + string.Join('\n', lines.Skip(end));
        return before + body + after;
    }

    /// <summary>What a report says in a section of a scenario that did not run.</summary>
    public const string NotRun = "Not run in this run";

    /// <summary>
    /// <paramref name="document"/> with every section of <paramref name="report"/> put in its
    /// place (<see cref="Replace"/>), except those of scenarios that did not run when the document
    /// already has figures for them; sections the report does not have (history written by hand,
    /// earlier runs) stay as they are. An empty document gets the whole report.
    /// </summary>
    public static string Merge(string document, string report)
    {
        if (string.IsNullOrWhiteSpace(document))
        {
            return report;
        }

        var lines = report.Split('\n');
        var starts = Enumerable.Range(0, lines.Length).Where(i => lines[i].StartsWith(Level2, StringComparison.Ordinal)).ToList();
        for (int s = 0; s < starts.Count; s++)
        {
            int end = s + 1 < starts.Count ? starts[s + 1] : lines.Length;
            string section = string.Join('\n', lines[starts[s]..end]);
            bool hasFigures = document.Split('\n').Any(l => l.TrimEnd('\r') == lines[starts[s]].TrimEnd('\r'));
            if (section.Contains(NotRun, StringComparison.Ordinal) && hasFigures)
            {
                continue;
            }

            document = Replace(document, section);
        }

        return document;
    }
}
