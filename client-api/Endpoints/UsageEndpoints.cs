using System.Globalization;
using System.Text.Json;
using Metering.ClientApi.Auth;
using Metering.ClientApi.Json;
using Metering.ClientApi.OpenApi;
using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Usage;

namespace Metering.ClientApi.Endpoints;

// CS8524 asks for arms for numbers outside EventResult; a discard arm would also hide a new
// named result left unmapped (CS8509), which must break the build.
#pragma warning disable CS8524

/// <summary>Usage events and invoice lines over HTTP (API.md "Usage events and invoices").</summary>
internal static class UsageEndpoints
{
    public static void MapUsageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/usage-events", Ingest).Body<UsageEventBody>().RequireAuthorization(Scopes.Relay).WithTags("Usage events").WithSummary("Record one priced usage event, once").Answers<UsageEventAnswer>(StatusCodes.Status201Created);
        app.MapPost("/v1/usage-events/batch", IngestBatch).Body<UsageEventBatchBody>().RequireAuthorization(Scopes.Relay).WithTags("Usage events").WithSummary("Record 1 to 1000 events; one result each, in order").Answers<UsageBatchAnswer>();
        app.MapGet("/v1/tenants/{tenantId}/invoice-lines", InvoiceLines)
            .Query<DateOnly>("periodStart", "first day of the period, YYYY-MM-DD (UTC)", required: true)
            .Query<DateOnly>("periodEnd", "last day of the period, inclusive", required: true).RequireAuthorization(Scopes.Relay).WithTags("Invoices").WithSummary("One line per deployment for a period (both dates inclusive, UTC)").Answers<InvoiceLine[]>();
    }

    // The ingest worker is a stateless worker: key 0 reaches the one on the silo serving the call.
    private static IUsageIngestGrain Ingestor(IGrainFactory grains) => grains.GetGrain<IUsageIngestGrain>(0);

    private static async Task<IResult> Ingest(HttpContext http, IGrainFactory grains)
    {
        if (Access.CheckScope(http, Scope.Relay) is { } denied)
        {
            return denied;
        }

        var (fields, problem) = await JsonBody.ReadAsync(http.Request, Limits.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        var (usage, errors) = UsageEventJson.Read(body);
        if (usage is null)
        {
            return ApiProblems.Invalid(errors);
        }

        if (Access.Check(http, Scope.Relay, "tenantId", usage.TenantId) is { } forbidden)
        {
            return forbidden;
        }

        var result = await Ingestor(grains).Ingest([usage]);
        if (result.Outcome != Outcome.Ok)
        {
            return Answers.From<object>(result.Outcome, null, result.Errors);
        }

        var single = result.Events[0];
        return single.Result switch
        {
            EventResult.Recorded => Results.Json(UsageEventAnswer.Recorded, ApiJson.Options, statusCode: StatusCodes.Status201Created),
            EventResult.Duplicate => Results.Json(UsageEventAnswer.Duplicate, ApiJson.Options),
            EventResult.Invalid => ApiProblems.Invalid(single.Errors ?? new ValidationErrors()),
        };
    }

    private static async Task<IResult> IngestBatch(HttpContext http, IGrainFactory grains)
    {
        if (Access.CheckScope(http, Scope.Relay) is { } denied)
        {
            return denied;
        }

        var (fields, problem) = await JsonBody.ReadAsync(http.Request, Limits.MaxBatchBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        var events = body.Raw("events", required: true);
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        if (events is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() is < 1 or > Limits.MaxEventsPerBatch)
        {
            return ApiProblems.Invalid("events", $"must be an array of 1 to {Limits.MaxEventsPerBatch} events");
        }

        // Each event is judged alone: a bad or forbidden one gets its own problem, the rest go on.
        var results = new object?[array.GetArrayLength()];
        var accepted = new List<(int Index, UsageEvent Event)>();
        int index = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                results[index++] = ApiProblems.Invalid("event", "must be a JSON object").ToDictionary(http);
                continue;
            }

            var (usage, errors) = UsageEventJson.Read(new JsonFields(element));
            if (usage is null)
            {
                results[index] = ApiProblems.Invalid(errors).ToDictionary(http);
            }
            else if (Access.Check(http, Scope.Relay, "tenantId", usage.TenantId) is { } forbidden)
            {
                results[index] = forbidden.ToDictionary(http);
            }
            else
            {
                accepted.Add((index, usage));
            }

            index++;
        }

        if (accepted.Count > 0)
        {
            var result = await Ingestor(grains).Ingest([.. accepted.Select(a => a.Event)]);
            if (result.Outcome != Outcome.Ok)
            {
                return Answers.From<object>(result.Outcome, null, result.Errors);
            }

            for (int i = 0; i < accepted.Count; i++)
            {
                var outcome = result.Events[i];
                results[accepted[i].Index] = outcome.Result switch
                {
                    EventResult.Recorded => "recorded",
                    EventResult.Duplicate => "duplicate",
                    EventResult.Invalid => ApiProblems.Invalid(outcome.Errors ?? new ValidationErrors()).ToDictionary(http),
                };
            }
        }

        return Results.Json(new UsageBatchAnswer(results), ApiJson.Options);
    }

    private static async Task<IResult> InvoiceLines(HttpContext http, string tenantId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, "tenantId", tenantId) is { } denied)
        {
            return denied;
        }

        var errors = new ValidationErrors();
        var start = ReadDay(http.Request.Query, "periodStart", errors);
        var end = ReadDay(http.Request.Query, "periodEnd", errors);
        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var result = await grains.GetGrain<IInvoiceGrain>(0).GetInvoiceLines(tenantId, start!.Value, end!.Value);
        return Answers.From(result.Outcome, result.Lines, result.Errors);
    }

    private static DateOnly? ReadDay(IQueryCollection query, string name, ValidationErrors errors)
    {
        if (query.TryGetValue(name, out var text) && text.Count == 1
            && DateOnly.TryParseExact(text[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(name, "is required, as YYYY-MM-DD");
        return null;
    }
}
