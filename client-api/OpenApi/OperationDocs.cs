using System.Text.Json.Nodes;
using Metering.ClientApi.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Metering.ClientApi.OpenApi;

/// <summary>
/// Completes each operation from the route's metadata: the request body and query parameters it
/// declared (<see cref="RouteDocs"/>), and the bearer scheme with the scope its policy requires.
/// </summary>
internal sealed class OperationDocs : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document!;

        if (metadata.OfType<BodyDoc>().LastOrDefault() is { } body)
        {
            string name = body.Type.Name;
            if (document.Components?.Schemas?.ContainsKey(name) != true)
            {
                document.AddComponent(name, await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken));
            }

            operation.RequestBody = new OpenApiRequestBody
            {
                Required = body.Required,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchemaReference(name, document) },
                },
            };
        }

        foreach (var query in metadata.OfType<QueryDoc>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = query.Required,
                Description = query.Description,
                Schema = await context.GetOrCreateSchemaAsync(query.Type, null, cancellationToken),
            });
        }

        var scopes = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
        if (scopes.Count > 0)
        {
            // The strictest scope the route requires: admin where both apply (admin implies relay).
            string scope = scopes.Contains(Scopes.Admin) ? Scopes.Admin : Scopes.Relay;
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentDocs.SchemeName, document)] = [scope] },
            ];
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-scope"] = new JsonNodeExtension(JsonValue.Create(scope));
            operation.Description = $"Scope `{scope}`." + (operation.Description is { Length: > 0 } d ? " " + d : "");
        }
    }
}
