namespace Metering.GrainInterfaces.Common;

/// <summary>
/// The identifier rule of the API: 1 to <see cref="Limits.MaxIdentifierLength"/> characters of
/// <c>A-Z a-z 0-9 . _ : @ -</c>. Checked by the front end and again by every grain, because .NET
/// services call grains directly.
/// </summary>
public static class Identifier
{
    /// <summary>The message used for an identifier that breaks the rule.</summary>
    public const string Rule = "must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -";

    /// <summary>True when <paramref name="value"/> is a valid identifier.</summary>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > Limits.MaxIdentifierLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            bool ok = c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9')
                or '.' or '_' or ':' or '@' or '-';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
