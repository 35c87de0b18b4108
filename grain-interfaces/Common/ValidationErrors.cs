namespace Metering.GrainInterfaces.Common;

/// <summary>
/// Field name to messages, collected while checking a request. Becomes the <c>errors</c> member
/// of a 400 <c>invalid_request</c> problem.
/// </summary>
[GenerateSerializer, Alias("Metering.ValidationErrors")]
public sealed class ValidationErrors
{
    [Id(0)]
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>True when no error was added.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>The errors, field name to messages.</summary>
    public IReadOnlyDictionary<string, List<string>> Fields => _errors;

    /// <summary>Adds a message for a field.</summary>
    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
    }

    /// <summary>Adds an error when the identifier is invalid.</summary>
    public void RequireIdentifier(string field, string? value)
    {
        if (!Identifier.IsValid(value))
        {
            Add(field, Identifier.Rule);
        }
    }

    /// <summary>Adds an error when the amount is outside 0 to <see cref="Limits.MaxAmount"/>.</summary>
    public void RequireAmount(string field, long value)
    {
        if (value is < 0 or > Limits.MaxAmount)
        {
            Add(field, "must be an integer from 0 to 10^15");
        }
    }

    /// <summary>Adds an error when the amount is outside 1 to <see cref="Limits.MaxAmount"/>.</summary>
    public void RequirePositiveAmount(string field, long value)
    {
        if (value is < 1 or > Limits.MaxAmount)
        {
            Add(field, "must be an integer from 1 to 10^15");
        }
    }

    /// <summary>Adds an error when the hold lifetime is out of range.</summary>
    public void RequireTtl(string field, int value)
    {
        if (value is < Limits.MinTtlSeconds or > Limits.MaxTtlSeconds)
        {
            Add(field, "must be an integer from 1 to 86400");
        }
    }

    /// <summary>
    /// Adds an error when free text is missing (if required), empty, longer than
    /// <paramref name="maxLength"/> characters, or holds a control character (NUL included;
    /// line breaks and tabs are allowed in free text when <paramref name="multiline"/>).
    /// </summary>
    public void RequireText(string field, string? value, int maxLength, bool required, bool multiline = false)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return;
        }

        if (value.Length == 0 || value.Length > maxLength)
        {
            Add(field, $"must be 1 to {maxLength} characters");
        }
        else if (value.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            Add(field, multiline ? "must not contain control characters other than line breaks and tabs" : "must not contain control characters (NUL included)");
        }
    }

    /// <summary>
    /// Adds an error when call details are not one JSON value of at most
    /// <see cref="Limits.MaxCallDetailsBytes"/> bytes that PostgreSQL's jsonb can store: no
    /// duplicate properties, depth at most 32, no NUL or unpaired surrogate in any string or
    /// name, and numbers within the range of a double.
    /// </summary>
    public void RequireCallDetails(string field, string? json)
    {
        if (json is null)
        {
            return;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(json) > Limits.MaxCallDetailsBytes)
        {
            Add(field, $"must be at most {Limits.MaxCallDetailsBytes} bytes of JSON");
            return;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json, new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 32 });
            if (StorableJson.Problem(document.RootElement) is { } problem)
            {
                Add(field, problem);
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            // The parser's duplicate-property check throws InvalidOperationException, not
            // JsonException, on a member name that is not valid UTF-16 (an unpaired surrogate).
            Add(field, "must be valid JSON (no duplicate properties, depth at most 32)");
        }
    }

    /// <summary>Null when empty, so results carry errors only when there are some.</summary>
    public ValidationErrors? OrNull() => IsEmpty ? null : this;
}
