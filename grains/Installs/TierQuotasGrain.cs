using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Storage;

namespace Metering.Grains.Installs;

/// <summary>
/// The tier quotas, kept in Orleans grain storage (ADO.NET on PostgreSQL): small configuration
/// read on every install decision and written rarely by an admin. A write is durable before
/// <see cref="Set"/> answers; a storage version conflict escapes, deactivating this activation.
/// </summary>
[GrainType("tier-quotas")]
internal sealed class TierQuotasGrain(
    [PersistentState("tier-quotas", StorageNames.Config)] IPersistentState<TierQuotasState> state)
    : Grain, ITierQuotasGrain
{
    public Task<TierQuotas> Get() => Task.FromResult(state.State.Quotas ?? TierQuotas.Defaults);

    public async Task<SetTierQuotaResult> Set(Tier tier, TierQuota quota)
    {
        var errors = quota.Validate();
        if (!Enum.IsDefined(tier))
        {
            errors ??= new ValidationErrors();
            errors.Add("tier", "must be core, pro or max");
        }

        if (errors is not null)
        {
            return new SetTierQuotaResult(Outcome.InvalidRequest, null, errors);
        }

        var previous = state.State.Quotas;
        state.State.Quotas = (previous ?? TierQuotas.Defaults).With(tier, quota);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory must not claim what storage refused.
            state.State.Quotas = previous;
            throw;
        }

        return new SetTierQuotaResult(Outcome.Ok, quota);
    }
}
