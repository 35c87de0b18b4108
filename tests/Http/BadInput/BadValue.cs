using System.Text;

namespace Metering.Tests.Http.BadInput;

/// <summary>
/// A bad value for one member, as the raw JSON token sent (so it can be malformed, or carry
/// bytes that are not UTF-8). <see cref="BodyLevel"/> values break the JSON itself, so the
/// answer names <c>errors.body</c> instead of the member.
/// </summary>
internal sealed record BadValue(string Category, string Label, byte[] Token, Stage Stage = Stage.Fields, bool BodyLevel = false)
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Concatenates text (as UTF-8) and raw bytes, for tokens that are not valid UTF-8.</summary>
    public static byte[] Bytes(params object[] parts)
    {
        var buffer = new List<byte>();
        foreach (var part in parts)
        {
            buffer.AddRange(part switch
            {
                string text => Encoding.UTF8.GetBytes(text),
                byte[] raw => raw,
                _ => throw new ArgumentException($"not text or bytes: {part}"),
            });
        }

        return [.. buffer];
    }

    /// <summary>A JSON string token holding <paramref name="escapedContent"/> as written (JSON escapes stay escapes).</summary>
    public static BadValue Str(string category, string escapedContent, Stage stage = Stage.Fields, string? label = null) =>
        new(category, label ?? Shorten($"\"{escapedContent}\""), Utf8($"\"{escapedContent}\""), stage);

    /// <summary>A raw JSON token (a number, a literal, an array...).</summary>
    public static BadValue Tok(string category, string token, Stage stage = Stage.Fields) => new(category, Shorten(token), Utf8(token), stage);

    /// <summary>A token that is not JSON, or not UTF-8: the whole body is malformed.</summary>
    public static BadValue Malformed(string category, string label, byte[] token) => new(category, label, token, Stage.Parse, BodyLevel: true);

    public static string Shorten(string text) => text.Length <= 40 ? text : $"{text[..30]}...({text.Length} chars)";
}
