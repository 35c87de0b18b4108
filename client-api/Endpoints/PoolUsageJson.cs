using System.Text.Json;
using Metering.GrainInterfaces.Pools;

namespace Metering.ClientApi.Endpoints;

/// <summary>An audit record as the API writes it: <c>callDetails</c> as JSON, not as a string.</summary>
internal sealed record PoolUsageJson(
    string RequestId,
    string UsageType,
    long PromptTokens,
    long CompletionTokens,
    long TotalTokens,
    long CostMicros,
    string Model,
    JsonElement? CallDetails,
    bool Billed,
    DateTimeOffset At)
{
    public static PoolUsageJson From(PoolUsageRecord record) => new(
        record.RequestId, record.UsageType, record.PromptTokens, record.CompletionTokens, record.TotalTokens,
        record.CostMicros, record.Model,
        record.CallDetails is null ? null : JsonDocument.Parse(record.CallDetails).RootElement.Clone(),
        record.Billed, record.At);
}
