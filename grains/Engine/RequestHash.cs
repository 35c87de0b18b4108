using System.Security.Cryptography;
using System.Text;

namespace Metering.Grains.Engine;

/// <summary>
/// Hash of a request's canonical form (its effective values after defaults, in a fixed order),
/// so a replay with the same meaning matches and any difference is a conflict.
/// </summary>
internal static class RequestHash
{
    public static byte[] Of(params object?[] parts)
    {
        var text = new StringBuilder();
        foreach (object? part in parts)
        {
            // The unit separator cannot appear in identifiers or numbers, so parts never run together.
            text.Append(part switch
            {
                null => "\u2400",
                DateTimeOffset t => t.UtcDateTime.ToString("O"),
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => part.ToString(),
            });
            text.Append('\u001f');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
