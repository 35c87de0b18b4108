// A service that bills one premium model call to a pool over HTTP, with only client-api's URL and
// an API key: the Metering.ApiClient package (and Metering.PoolBilling under it).
//
//   dotnet run -- <client-api URL> <API key> <poolId>   one billable call: reserve, "run", commit
//   dotnet run -- --dry-run                              build the clients without calling (CI)
using Metering.ApiClient;
using Metering.PoolBilling;

if (args is ["--dry-run"])
{
    using var offline = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1") };
    var client = MeteringHttp.CreateClient(offline, "dry-run");
    var billing = MeteringHttp.CreatePoolBillingClient(offline, "dry-run");
    Console.WriteLine($"ok: {client.GetType().FullName} and {billing.GetType().FullName} from the packages");
    return 0;
}

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: PoolBillingOverHttp <client-api URL> <API key> <poolId> | --dry-run");
    return 2;
}

using var http = new HttpClient { BaseAddress = new Uri(args[0]) };
var pools = MeteringHttp.CreatePoolBillingClient(http, args[1]);
try
{
    await using var call = await pools.BeginBillableCallAsync(args[2], reserveMicros: 20_000, usageType: "chat");
    Console.WriteLine($"held {call.ReservedMicros} micro-USD as {call.RequestId}; {call.RemainingMicros} left");
    // Here the service would run the model call; this sample pretends it cost 12,345 micro-USD.
    var receipt = await call.CommitAsync(actualMicros: 12_345, promptTokens: 900, completionTokens: 300, model: "sample-model");
    Console.WriteLine($"committed {receipt.ActualMicros}; the pool has used {receipt.UsedMicros} of {receipt.LimitMicros}");
    return 0;
}
catch (QuotaInsufficientException refused)
{
    Console.Error.WriteLine($"refused: only {refused.RemainingMicros} micro-USD left on {refused.PoolId}");
    return 1;
}
