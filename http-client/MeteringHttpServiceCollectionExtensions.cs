using Metering.ApiClient.Generated;
using Metering.PoolBilling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Metering.ApiClient;

/// <summary>Registers the HTTP client and the billable-call helper over HTTP in a service collection.</summary>
public static class MeteringHttpServiceCollectionExtensions
{
    /// <summary>The name of the <c>IHttpClientFactory</c> client that reaches client-api.</summary>
    public const string HttpClientName = "Metering";

    /// <summary>
    /// Registers <see cref="MeteringApiClient"/> (transient, over a pooled <c>IHttpClientFactory</c>
    /// connection named <see cref="HttpClientName"/>) for client-api at <paramref name="baseAddress"/>.
    /// The first registration wins.
    /// </summary>
    public static IServiceCollection AddMeteringHttpClient(this IServiceCollection services, Uri baseAddress, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        services.AddHttpClient(HttpClientName, http => http.BaseAddress = baseAddress);
        services.TryAddTransient(sp => MeteringHttp.CreateClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), apiKey));
        return services;
    }

    /// <summary>
    /// Registers <see cref="PoolBillingClient"/> over HTTP (a singleton; see
    /// <see cref="MeteringHttp.CreatePoolBillingClient"/>) and the client it uses. The first registration wins.
    /// </summary>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is out of range (named in the message).</exception>
    public static IServiceCollection AddPoolBillingOverHttp(
        this IServiceCollection services, Uri baseAddress, string apiKey, PoolBillingOptions? options = null, TimeProvider? timeProvider = null)
    {
        services.AddMeteringHttpClient(baseAddress, apiKey);
        var settings = options ?? PoolBillingOptions.Default;
        PoolBillingOptions.ThrowIfInvalid(settings);
        services.TryAddSingleton(sp => new PoolBillingClient(
            poolId => new HttpPoolConnection(sp.GetRequiredService<MeteringApiClient>(), poolId), settings, timeProvider));
        return services;
    }
}
