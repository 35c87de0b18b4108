using System.Buffers;
using System.Text.Json;
using Metering.ClientApi.Problems;

namespace Metering.ClientApi.Json;

/// <summary>
/// Reads a request body as one JSON object, within a size bound: more than the bound is 413;
/// malformed JSON, a duplicate property or a non-object is 400. An empty body reads as <c>{}</c>
/// where the route allows it.
/// </summary>
internal static class JsonBody
{
    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = 32,
    };

    public static async Task<(JsonFields? Fields, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, bool emptyIsObject = false)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, ApiProblems.PayloadTooLarge(maxBytes));
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        var body = request.Body;
        while (true)
        {
            var span = buffer.GetMemory(4096);
            int read = await body.ReadAsync(span, request.HttpContext.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return (null, ApiProblems.PayloadTooLarge(maxBytes));
            }
        }

        if (buffer.WrittenCount == 0)
        {
            return emptyIsObject
                ? (JsonFields.Empty, null)
                : (null, ApiProblems.Invalid("body", "a JSON object is required"));
        }

        // JSON text is UTF-8 (RFC 8259, 8.1). The parser does not check the bytes inside strings,
        // and reading such a string later throws: refuse the body here, once.
        if (!System.Text.Unicode.Utf8.IsValid(buffer.WrittenSpan))
        {
            return (null, ApiProblems.Invalid("body", "malformed JSON: the body is not valid UTF-8"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.WrittenMemory, ParseOptions);
        }
        catch (JsonException error)
        {
            return (null, ApiProblems.Invalid("body", $"malformed JSON: {error.Message}"));
        }
        catch (InvalidOperationException error)
        {
            // The duplicate-property check reads every member name, and a name holding half of a
            // surrogate pair ("\ud800") is not text: the parser throws this instead of a JsonException.
            return (null, ApiProblems.Invalid("body", $"malformed JSON: {error.Message}"));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, ApiProblems.Invalid("body", "must be a JSON object"));
        }

        return (new JsonFields(document), null);
    }
}
