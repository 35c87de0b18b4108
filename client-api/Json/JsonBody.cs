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

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.WrittenMemory, ParseOptions);
        }
        catch (JsonException error)
        {
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
