using System.Text.Json.Serialization;
using Metering.ClientApi.Endpoints;
using Metering.GrainInterfaces.Installs;
using Metering.GrainInterfaces.Pools;
using Metering.GrainInterfaces.Ports;
using Metering.GrainInterfaces.Usage;

namespace Metering.ClientApi.Json;

/// <summary>
/// Compile-time JSON metadata for every body the API answers, so that writing an answer reads
/// generated accessors instead of building them by reflection when a type is first written
/// (issue #12: nothing on the hot path that need not be there). The naming, null and enum rules
/// stay in <see cref="ApiJson.Options"/>, which this context serves. A type missing here would
/// still be written, by reflection; a test checks that every answer a route declares is here.
/// </summary>
[JsonSerializable(typeof(InstallAccountView))]
[JsonSerializable(typeof(InstallReservation))]
[JsonSerializable(typeof(InstallCommitReceipt))]
[JsonSerializable(typeof(InstallReleaseReceipt))]
[JsonSerializable(typeof(InstallReservationView))]
[JsonSerializable(typeof(PageJson<InstallAccountView>))]
[JsonSerializable(typeof(TierQuota))]
[JsonSerializable(typeof(TierQuotas))]
[JsonSerializable(typeof(PoolView))]
[JsonSerializable(typeof(PoolReservation))]
[JsonSerializable(typeof(PoolCommitReceipt))]
[JsonSerializable(typeof(PoolReleaseReceipt))]
[JsonSerializable(typeof(PoolReservationView))]
[JsonSerializable(typeof(PoolGrantReceipt))]
[JsonSerializable(typeof(PoolUsageJson))]
[JsonSerializable(typeof(PageJson<PoolUsageJson>))]
[JsonSerializable(typeof(PortView))]
[JsonSerializable(typeof(PortBudget))]
[JsonSerializable(typeof(PortReservation))]
[JsonSerializable(typeof(PortCallReceipt))]
[JsonSerializable(typeof(PortReleaseReceipt))]
[JsonSerializable(typeof(PortReservationView))]
[JsonSerializable(typeof(PortUsageView))]
[JsonSerializable(typeof(PortFeatureUsage[]))]
[JsonSerializable(typeof(InvoiceLine[]))]
[JsonSerializable(typeof(UsageEventAnswer))]
[JsonSerializable(typeof(UsageBatchAnswer))]
[JsonSerializable(typeof(PageJson<PoolView>))]
[JsonSerializable(typeof(PageJson<PortView>))]
[JsonSerializable(typeof(PageJson<Metering.GrainInterfaces.Admin.TenantSummary>))]
[JsonSerializable(typeof(PageJson<PoolGrantReceipt>))]
[JsonSerializable(typeof(PageJson<Metering.GrainInterfaces.Admin.BudgetChange>))]
[JsonSerializable(typeof(Metering.GrainInterfaces.Admin.PortDay[]))]
[JsonSerializable(typeof(Metering.GrainInterfaces.Admin.TenantDay[]))]
[JsonSerializable(typeof(OverviewJson))]
// Problems: members and their values (API.md "Errors"), including each refusal's balances.
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, List<string>>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
