using System.Text.Json;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Json;

/// <summary>
/// Typed, checked access to the members of a request object. Every problem is collected into
/// <see cref="Errors"/> under the member's name, so one 400 lists all of them. Strict on purpose:
/// <c>"5"</c> or <c>1.5</c> where an integer is due, a string with a NUL, or an unknown member
/// (most often a typo that would otherwise be ignored silently) are errors.
/// </summary>
internal sealed class JsonFields : IDisposable
{
    private readonly JsonDocument? _document;
    private readonly JsonElement? _root;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public JsonFields(JsonDocument document)
    {
        _document = document;
        _root = document.RootElement;
    }

    /// <summary>Reads one object inside a larger document (an event of a batch); the caller owns the document.</summary>
    public JsonFields(JsonElement element) => _root = element;

    private JsonFields() { }

    public static JsonFields Empty => new();

    public ValidationErrors Errors { get; } = new();

    public string? Identifier(string name, bool required = true)
    {
        string? text = String(name, required);
        if (text is not null && !GrainInterfaces.Common.Identifier.IsValid(text))
        {
            Errors.Add(name, GrainInterfaces.Common.Identifier.Rule);
            return null;
        }

        return text;
    }

    public string? Text(string name, bool required, int maxLength)
    {
        string? text = String(name, required);
        if (text is null)
        {
            return null;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            Errors.Add(name, "must not contain a NUL character");
            return null;
        }

        if (text.Length > maxLength)
        {
            Errors.Add(name, $"must be at most {maxLength} characters");
            return null;
        }

        return text;
    }

    private string? String(string name, bool required)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Errors.Add(name, "must be a string");
            return null;
        }

        if (!TryGetText(value, out string text))
        {
            Errors.Add(name, "must not contain invalid UTF-16 (an unpaired surrogate)");
            return null;
        }

        return text;
    }

    /// <summary>
    /// A string's text, or false when it has none: JSON may escape half of a UTF-16 surrogate
    /// pair (<c>"\ud800"</c>), which is valid syntax but not text, and reading it throws.
    /// </summary>
    public static bool TryGetText(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>An integer from <paramref name="min"/> to <paramref name="max"/>; null when absent (and not required) or invalid.</summary>
    public long? Integer(string name, bool required, long min = 0, long max = Limits.MaxAmount, bool nullable = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Null && nullable)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
        {
            Errors.Add(name, $"must be an integer from {Show(min)} to {Show(max)}");
            return null;
        }

        if (number < min || number > max)
        {
            Errors.Add(name, $"must be an integer from {Show(min)} to {Show(max)}");
            return null;
        }

        return number;
    }

    /// <summary>
    /// Any JSON value, returned as its text (null when absent or JSON null); at most
    /// <paramref name="maxBytes"/> bytes, and storable as jsonb (see ValidationErrors.RequireCallDetails).
    /// </summary>
    public string? RawJson(string name, int maxBytes)
    {
        if (!TryGet(name, required: false, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        string raw = value.GetRawText();
        if (System.Text.Encoding.UTF8.GetByteCount(raw) > maxBytes)
        {
            Errors.Add(name, $"must be at most {maxBytes} bytes of JSON");
            return null;
        }

        int before = Errors.Fields.Count;
        Errors.RequireCallDetails(name, raw);
        return Errors.Fields.Count == before ? raw : null;
    }

    /// <summary>The member's raw value when present, for shapes this class does not read (arrays).</summary>
    public JsonElement? Raw(string name, bool required)
    {
        return TryGet(name, required, out var value) ? value : null;
    }

    /// <summary>True when the member is present (even as null).</summary>
    public bool Has(string name) => _root is { } root && root.TryGetProperty(name, out _);

    public bool? Boolean(string name, bool required)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Errors.Add(name, "must be true or false");
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>One of the enum's names, in camelCase as the API writes them.</summary>
    public TEnum? Enum<TEnum>(string name, bool required)
        where TEnum : struct, Enum
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        var names = System.Enum.GetNames<TEnum>().Select(ApiNames.Of).ToArray();
        if (value.ValueKind == JsonValueKind.String && TryGetText(value, out string text))
        {
            foreach (var candidate in System.Enum.GetValues<TEnum>())
            {
                if (ApiNames.Of(candidate.ToString()) == text)
                {
                    return candidate;
                }
            }
        }

        Errors.Add(name, $"must be one of {string.Join(", ", names)}");
        return null;
    }

    /// <summary>Adds an error for every member that no accessor asked for.</summary>
    public void RejectUnknown()
    {
        if (_root is not { } root)
        {
            return;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!_read.Contains(property.Name))
            {
                Errors.Add(property.Name.Contains('\0', StringComparison.Ordinal) ? "body" : property.Name, "is not a known field");
            }
        }
    }

    public void Dispose() => _document?.Dispose();

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        _read.Add(name);
        if (_root is { } root && root.TryGetProperty(name, out value))
        {
            if (value.ValueKind == JsonValueKind.Null && required)
            {
                Errors.Add(name, "is required");
                return false;
            }

            return true;
        }

        value = default;
        if (required)
        {
            Errors.Add(name, "is required");
        }

        return false;
    }

    private static string Show(long value) => value == Limits.MaxAmount ? "10^15" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
