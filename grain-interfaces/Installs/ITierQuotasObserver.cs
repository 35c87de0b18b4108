namespace Metering.GrainInterfaces.Installs;

/// <summary>
/// Told of every change of the tier quotas: each silo's quota cache subscribes, so install
/// decisions read quotas from the silo's memory instead of calling the one tier-quotas grain.
/// </summary>
[Alias("Metering.ITierQuotasObserver")]
public interface ITierQuotasObserver : IGrainObserver
{
    /// <summary>The quotas as they are now durably stored, with their version.</summary>
    [Alias("QuotasChanged")]
    Task QuotasChanged(TierQuotasSnapshot snapshot);
}
