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

    /// <summary>Null when empty, so results carry errors only when there are some.</summary>
    public ValidationErrors? OrNull() => IsEmpty ? null : this;
}
