using Metering.GrainInterfaces.Common;

namespace Metering.PoolBilling;

/// <summary>Turns <see cref="ValidationErrors"/> (the grain's field checks) into an <see cref="ArgumentException"/>.</summary>
internal static class Arguments
{
    /// <summary>Throws when <paramref name="errors"/> holds any error; the same checks the grain runs, so nothing invalid is sent.</summary>
    public static void ThrowIfInvalid(ValidationErrors? errors)
    {
        if (errors is not null)
        {
            throw Invalid(errors);
        }
    }

    /// <summary>An exception naming every invalid field (the first as its parameter name) and its messages.</summary>
    public static ArgumentException Invalid(ValidationErrors? errors)
    {
        var fields = errors?.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).ToList() ?? [];
        if (fields.Count == 0)
        {
            return new ArgumentException("The pool refused the request as invalid (invalid_request) without naming a field.");
        }

        string detail = string.Join("; ", fields.Select(f => $"{f.Key} {string.Join(", ", f.Value)}"));
        return new ArgumentException($"Invalid request: {detail}.", fields[0].Key);
    }

    /// <summary>Throws unless <paramref name="poolId"/> is a valid identifier.</summary>
    public static void RequirePoolId(string poolId)
    {
        ArgumentNullException.ThrowIfNull(poolId);
        if (!Identifier.IsValid(poolId))
        {
            throw new ArgumentException($"poolId {Identifier.Rule}.", nameof(poolId));
        }
    }
}
