using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Metering.ClientApi.Json;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Usage;

namespace Metering.ClientApi.Endpoints;

/// <summary>
/// Reads one usage event from JSON. <c>customerCharge</c> must be a decimal string (never a JSON
/// number: a binary float must not touch money), read straight into <see cref="decimal"/>.
/// </summary>
internal static partial class UsageEventJson
{
    public static (UsageEvent? Event, ValidationErrors Errors) Read(JsonFields body)
    {
        string? gatewayRequestId = body.Identifier("gatewayRequestId");
        string? tenantId = body.Identifier("tenantId");
        string? deploymentId = body.Identifier("deploymentId");
        var occurredAt = ReadTime(body);
        long? input = body.Integer("inputTokens", required: true);
        long? output = body.Integer("outputTokens", required: true);
        var charge = ReadCharge(body);
        body.RejectUnknown();
        if (!body.Errors.IsEmpty)
        {
            return (null, body.Errors);
        }

        var usage = new UsageEvent(gatewayRequestId!, tenantId!, deploymentId!, occurredAt!.Value, input!.Value, output!.Value, charge!.Value);
        return usage.Validate() is { } invalid ? (null, invalid) : (usage, body.Errors);
    }

    private static DateTimeOffset? ReadTime(JsonFields body)
    {
        string? text = body.Text("occurredAt", required: true, maxLength: 64);
        if (text is null)
        {
            return null;
        }

        if (IsoTime().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        body.Errors.Add("occurredAt", "must be an ISO-8601 time, e.g. 2026-11-23T10:15:00Z");
        return null;
    }

    private static decimal? ReadCharge(JsonFields body)
    {
        var raw = body.Raw("customerCharge", required: true);
        if (raw is not { } value)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && JsonFields.TryGetText(value, out string text) && Charge().IsMatch(text)
            && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal charge))
        {
            return charge;
        }

        body.Errors.Add("customerCharge", $"must be a decimal string of US dollars with at most {Limits.MaxChargeIntegerDigits} integer and {Limits.MaxChargeFractionDigits} fractional digits, e.g. \"0.0015\"");
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]{0,8})(\.[0-9]{1,10})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Charge();
}
