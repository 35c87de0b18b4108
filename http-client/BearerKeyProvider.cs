using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Metering.ApiClient;

/// <summary>
/// Adds <c>Authorization: Bearer &lt;key&gt;</c> to requests for client-api's host, and to no other.
/// Hand-written because Kiota's own API-key provider sends keys over https only, while client-api
/// is usually reached inside the cluster over plain http (TLS ends at the ingress or the mesh).
/// </summary>
internal sealed class BearerKeyProvider(string apiKey, string host) : IAuthenticationProvider
{
    private readonly string _header = "Bearer " + apiKey;

    public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.Equals(request.URI.Host, host, StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.TryAdd("Authorization", _header);
        }

        return Task.CompletedTask;
    }
}
