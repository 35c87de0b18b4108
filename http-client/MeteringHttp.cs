using Metering.ApiClient.Generated;
using Metering.PoolBilling;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Metering.ApiClient;

/// <summary>Makes the generated <see cref="MeteringApiClient"/> for one client-api address and API key.</summary>
public static class MeteringHttp
{
    /// <summary>
    /// A client sending <c>Authorization: Bearer <paramref name="apiKey"/></c> to
    /// <paramref name="http"/>'s <see cref="System.Net.Http.HttpClient.BaseAddress"/> (for instance
    /// <c>http://metering-api.metering.svc</c>). The key is sent to that host only.
    /// </summary>
    /// <param name="http">The connection to client-api; its <c>BaseAddress</c> is required. Owned by the caller (or by <c>IHttpClientFactory</c>).</param>
    /// <param name="apiKey">The key, as given by the operator (never its SHA-256).</param>
    /// <exception cref="ArgumentException"><paramref name="http"/> has no base address, or <paramref name="apiKey"/> is empty.</exception>
    public static MeteringApiClient CreateClient(System.Net.Http.HttpClient http, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(http);
        var baseAddress = http.BaseAddress ?? throw new ArgumentException("the HttpClient needs a BaseAddress: client-api's URL", nameof(http));
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        var adapter = new HttpClientRequestAdapter(new BearerKeyProvider(apiKey, baseAddress.Host), httpClient: http) { BaseUrl = baseAddress.GetLeftPart(UriPartial.Path).TrimEnd('/') };
        return new MeteringApiClient(adapter);
    }

    /// <summary>
    /// The billable-call helper over HTTP: <c>BeginBillableCallAsync</c> → <c>CommitAsync</c>, release
    /// on leaving the scope, and the same retries and settlement as over the grain interface.
    /// </summary>
    /// <param name="http">The connection to client-api, with its <c>BaseAddress</c>.</param>
    /// <param name="apiKey">A key with the <c>relay</c> scope that reaches the pools to bill.</param>
    /// <param name="options">The retry settings; null for <see cref="PoolBillingOptions.Default"/>.</param>
    /// <param name="timeProvider">The clock of the retries; null for the system clock.</param>
    public static PoolBillingClient CreatePoolBillingClient(
        System.Net.Http.HttpClient http, string apiKey, PoolBillingOptions? options = null, TimeProvider? timeProvider = null)
    {
        var api = CreateClient(http, apiKey);
        return new PoolBillingClient(poolId => new HttpPoolConnection(api, poolId), options ?? PoolBillingOptions.Default, timeProvider);
    }
}
