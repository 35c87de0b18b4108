using Metering.ClientApi.Json;
using Metering.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Metering.Tests.Http;

/// <summary>Every answer a route declares is written from generated JSON metadata, never by reflection.</summary>
public sealed class AnswerJsonTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    [Fact]
    public void EveryDeclaredAnswer_HasGeneratedMetadata()
    {
        var declared = Fixture.ApiServices.GetRequiredService<EndpointDataSource>().Endpoints
            .SelectMany(e => e.Metadata.OfType<IProducesResponseTypeMetadata>())
            .Where(m => m.StatusCode < 400 && m.Type is not null && m.Type != typeof(void))
            .Select(m => m.Type!)
            .Distinct()
            .ToList();

        Assert.True(declared.Count >= 20, $"expected the routes' answers, found {declared.Count}");
        var missing = declared.Where(t => ApiJsonContext.Default.GetTypeInfo(t) is null).Select(t => t.Name).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Answers_AreWrittenWithTheGeneratedContextFirst()
    {
        Assert.Same(ApiJsonContext.Default, ApiJson.Options.TypeInfoResolverChain[0]);
    }
}
