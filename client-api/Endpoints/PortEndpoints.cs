using Metering.ClientApi.Auth;
using Metering.ClientApi.Json;
using Metering.ClientApi.OpenApi;
using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;

namespace Metering.ClientApi.Endpoints;

/// <summary>Port token budgets over HTTP (API.md "Ports"): one grain call per request.</summary>
internal static class PortEndpoints
{
    private const string KeyField = "portId";

    public static void MapPortEndpoints(this IEndpointRouteBuilder app)
    {
        var ports = app.MapGroup("/v1/ports/{portId}").WithTags("Ports").RequireAuthorization(Scopes.Relay);
        ports.MapGet("/budget", GetBudget).WithSummary("The port's budget").Answers<PortBudget>();
        ports.MapPut("/budget", PutBudget).Body<PortBudgetBody>().RequireAuthorization(Scopes.Admin).WithSummary("Change the budget (admin; partial, merged)").Answers<PortBudget>();
        ports.MapPost("/reservations", Reserve).Body<PortReserveBody>().WithSummary("Hold an estimate of tokens for one call").Answers<PortReservation>(StatusCodes.Status201Created, refusable: true);
        ports.MapPost("/reservations/{requestId}/commit", Commit).Body<PortCommitBody>().WithSummary("Finalize a call with its input and output tokens").Answers<PortCallReceipt>();
        ports.MapPost("/reservations/{requestId}/release", Release).Body<ReleaseBody>(required: false).WithSummary("Release a hold").Answers<PortReleaseReceipt>();
        ports.MapGet("/reservations/{requestId}", GetReservation).WithSummary("One reservation's state").Answers<PortReservationView>();
        ports.MapPost("/usage", RecordUsage).Body<PortUsageBody>().WithSummary("Record usage without a reservation").Answers<PortCallReceipt>(StatusCodes.Status201Created);
        ports.MapGet("/usage", GetUsage).Query<string>("feature", "only this feature's usage").WithSummary("Tokens used and held in the current period, optionally for one feature").Answers<PortUsageView>();
        ports.MapGet("/breakdown", GetBreakdown).WithSummary("Tokens and calls per feature in the current period").Answers<PortFeatureUsage[]>();
        ports.MapGet("/", GetPort).WithSummary("The budget with the current period's usage").Answers<PortView>();
    }

    private static IPortGrain Port(IGrainFactory grains, string portId) => GrainReferences<IPortGrain>.Get(grains, portId);

    private static async Task<IResult> GetBudget(HttpContext http, string portId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, KeyField, portId) is { } denied)
        {
            return denied;
        }

        var result = await Port(grains, portId).GetBudget();
        return Answers.From(result.Outcome, result.Budget, result.Errors);
    }

    private static async Task<IResult> PutBudget(HttpContext http, string portId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Admin, KeyField, portId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        var patch = new PortBudgetPatch(
            body.Boolean("enabled", required: false),
            body.Integer("softCapTokens", required: false),
            body.Integer("hardCapTokens", required: false),
            body.Enum<BudgetPeriod>("period", required: false));
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var result = await Port(grains, portId).SetBudget(patch, Access.KeyName(http));
        return Answers.From(result.Outcome, result.Budget, result.Errors);
    }

    private static async Task<IResult> Reserve(HttpContext http, string portId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Relay, KeyField, portId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        string? requestId = body.Identifier("requestId");
        long? estimate = body.Integer("estimatedTokens", required: true);
        string? feature = body.Text("feature", required: true, Limits.MaxLabelLength);
        long ttl = body.Integer("ttlSeconds", required: false, Limits.MinTtlSeconds, Limits.MaxTtlSeconds) ?? Limits.DefaultTtlSeconds;
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var result = await Port(grains, portId).Reserve(new PortReserveRequest(requestId!, estimate!.Value, feature!, (int)ttl));
        return Answers.From(result.Outcome, result.Reservation, result.Errors, p => p
            .With("usedTokens", result.Refusal?.UsedTokens)
            .With("capTokens", result.Refusal?.CapTokens));
    }

    private static async Task<IResult> Commit(HttpContext http, string portId, string requestId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Relay, KeyField, portId, requestId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        var call = ReadCall(body, featureRequired: false);
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var request = new PortCommitRequest(requestId, call.Input, call.Output, call.Provider, call.Model, call.Feature, call.UserId);
        var result = await Port(grains, portId).Commit(request);
        return Answers.From(result.Outcome, result.Receipt, result.Errors);
    }

    private static Task<IResult> Release(HttpContext http, string portId, string requestId, IGrainFactory grains) =>
        LifecycleRoutes.ReleaseAsync(http, KeyField, portId, requestId, async () =>
        {
            var result = await Port(grains, portId).Release(requestId);
            return (result.Outcome, result.Receipt, result.Errors);
        });

    private static async Task<IResult> RecordUsage(HttpContext http, string portId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Relay, KeyField, portId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        string? requestId = body.Identifier("requestId");
        var call = ReadCall(body, featureRequired: true);
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var request = new PortUsageRequest(requestId!, call.Input, call.Output, call.Provider, call.Model, call.Feature!, call.UserId);
        var result = await Port(grains, portId).RecordUsage(request);
        return Answers.From(result.Outcome, result.Receipt, result.Errors);
    }

    private static Task<IResult> GetReservation(HttpContext http, string portId, string requestId, IGrainFactory grains) =>
        LifecycleRoutes.GetReservationAsync(http, KeyField, portId, requestId, async () =>
        {
            var result = await Port(grains, portId).GetReservation(requestId);
            return (result.Outcome, result.Reservation, result.Errors);
        });

    private static async Task<IResult> GetUsage(HttpContext http, string portId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, KeyField, portId) is { } denied)
        {
            return denied;
        }

        string? feature = null;
        if (http.Request.Query.TryGetValue("feature", out var features))
        {
            if (features.Count != 1)
            {
                return ApiProblems.Invalid("feature", "give at most one feature");
            }

            feature = features[0];
        }

        var result = await Port(grains, portId).GetUsage(feature);
        return Answers.From(result.Outcome, result.Usage, result.Errors);
    }

    private static async Task<IResult> GetBreakdown(HttpContext http, string portId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, KeyField, portId) is { } denied)
        {
            return denied;
        }

        var result = await Port(grains, portId).GetBreakdown();
        return Answers.From(result.Outcome, result.Items, result.Errors);
    }

    private static async Task<IResult> GetPort(HttpContext http, string portId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, KeyField, portId) is { } denied)
        {
            return denied;
        }

        var result = await Port(grains, portId).GetPort();
        return Answers.From(result.Outcome, result.Port, result.Errors);
    }

    private static (long Input, long Output, string Provider, string Model, string? Feature, string? UserId) ReadCall(JsonFields body, bool featureRequired) => (
        body.Integer("inputTokens", required: true) ?? 0,
        body.Integer("outputTokens", required: true) ?? 0,
        body.Text("provider", required: true, Limits.MaxLabelLength) ?? "",
        body.Text("model", required: true, Limits.MaxLabelLength) ?? "",
        body.Text("feature", required: featureRequired, Limits.MaxLabelLength),
        body.Text("userId", required: false, Limits.MaxLabelLength));
}
