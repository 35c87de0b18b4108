using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Metering.PoolBilling;

/// <summary>Registers <see cref="PoolBillingClient"/> in a service collection.</summary>
public static class PoolBillingServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="PoolBillingClient"/> (a singleton: it is thread-safe and stateless)
    /// over the registered <see cref="IGrainFactory"/>, which <c>UseOrleansClient</c> (or a silo)
    /// registers. Calling it again changes nothing.
    /// </summary>
    public static IServiceCollection AddPoolBilling(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new PoolBillingClient(sp.GetRequiredService<IGrainFactory>()));
        return services;
    }
}
