using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Metering.ClientApi.OpenApi;

/// <summary>The document's title, its bearer scheme (API keys), and the problem schema's <c>code</c> values.</summary>
internal sealed class DocumentDocs : IOpenApiDocumentTransformer
{
    /// <summary>The security scheme's name in <c>components.securitySchemes</c>.</summary>
    public const string SchemeName = "apiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Metering",
            Version = "v1",
            Description = "Metering and capping the cost of LLM calls: installs, pools, ports and tenants. " +
                "Every error is an RFC 9457 problem with a `code`; see docs/api.md for the rules each route applies.",
        };
        document.AddComponent(SchemeName, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "API key",
            Description = "`Authorization: Bearer <key>`. A key has the scope `relay` or `admin` (admin is everything); " +
                "each operation names the scope it needs in `security` and in `x-scope`.",
        });
        return Task.CompletedTask;
    }
}

/// <summary>Lists the documented codes as the problem schema's <c>code</c> enum.</summary>
internal sealed class ProblemSchemaDocs : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(ProblemSchema) && schema.Properties?.TryGetValue("code", out var code) == true && code is OpenApiSchema codeSchema)
        {
            codeSchema.Enum = [.. ProblemSchema.Codes.Select(c => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(c))];
        }

        return Task.CompletedTask;
    }
}
