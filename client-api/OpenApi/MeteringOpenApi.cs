namespace Metering.ClientApi.OpenApi;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and its browsable reference page.</summary>
internal static class MeteringOpenApi
{
    /// <summary>Where the reference page is served.</summary>
    public const string ReferencePath = "/reference";

    public static IServiceCollection AddMeteringOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options
            .AddDocumentTransformer<DocumentDocs>()
            .AddOperationTransformer<OperationDocs>()
            .AddSchemaTransformer<ProblemSchemaDocs>());
}
