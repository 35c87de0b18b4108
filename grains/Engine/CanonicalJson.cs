using System.Text;
using System.Text.Json;

namespace Metering.Grains.Engine;

/// <summary>
/// One text for every spelling of the same JSON value: no whitespace, object members sorted by
/// name (ordinal), strings re-escaped one way. Numbers keep their text (<c>1.0</c> and <c>1</c>
/// stay different, as PostgreSQL's jsonb keeps them). Used to hash free-form JSON in a request,
/// so a replay that differs only in layout or member order is a replay, not a conflict.
/// </summary>
internal static class CanonicalJson
{
    /// <summary>The canonical text of <paramref name="json"/>; null stays null. The JSON must already be valid.</summary>
    public static string? Of(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, document.RootElement);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in element.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            default:
                // Numbers, true, false and null: their text is already canonical enough (see above).
                element.WriteTo(writer);
                break;
        }
    }
}
