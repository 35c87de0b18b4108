using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Metering.PoolBilling;

/// <summary>Registers <see cref="PoolBillingClient"/> in a service collection.</summary>
public static class PoolBillingServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="PoolBillingClient"/> (a singleton: it is thread-safe and stateless)
    /// over the registered <see cref="IGrainFactory"/>, which <c>UseOrleansClient</c> (or a silo)
    /// registers, with the default retries. Calling it again changes nothing.
    /// </summary>
    public static IServiceCollection AddPoolBilling(this IServiceCollection services)
        => services.AddPoolBilling(PoolBillingOptions.Default);

    /// <summary>
    /// Registers one <see cref="PoolBillingClient"/> retrying as <paramref name="options"/> say. The
    /// first registration wins: calling it again changes nothing.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">The retry settings, checked now.</param>
    /// <param name="timeProvider">
    /// The clock of the retries; null for <see cref="TimeProvider.System"/>. Not taken from the
    /// container on purpose: a host may register a fake clock for its own tests, and the helper's
    /// waits would then never end.
    /// </param>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is out of range (named in the message).</exception>
    public static IServiceCollection AddPoolBilling(this IServiceCollection services, PoolBillingOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        PoolBillingOptions.ThrowIfInvalid(options);
        services.TryAddSingleton(sp => new PoolBillingClient(sp.GetRequiredService<IGrainFactory>(), options, timeProvider));
        return services;
    }
}
