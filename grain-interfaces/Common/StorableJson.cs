using System.Text.Json;

namespace Metering.GrainInterfaces.Common;

/// <summary>
/// What valid JSON PostgreSQL's jsonb still refuses: a NUL in a string, an unpaired surrogate,
/// a number beyond its range. Checked up front so such input is a 400, never a failed write.
/// </summary>
internal static class StorableJson
{
    /// <summary>The first problem found, or null when the value can be stored.</summary>
    public static string? Problem(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if ((TextProblem(property.Name) ?? Problem(property.Value)) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (Problem(item) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.String:
                string? text;
                try
                {
                    text = element.GetString();
                }
                catch (InvalidOperationException)
                {
                    return "must not contain invalid UTF-16 (an unpaired surrogate)";
                }

                return TextProblem(text ?? "");
            case JsonValueKind.Number:
                return element.TryGetDouble(out double number) && double.IsFinite(number)
                    ? null
                    : "numbers must be within the range of a double";
            default:
                return null;
        }
    }

    private static string? TextProblem(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\0')
            {
                return "must not contain a NUL character";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "must not contain invalid UTF-16 (an unpaired surrogate)";
            }
        }

        return null;
    }
}
