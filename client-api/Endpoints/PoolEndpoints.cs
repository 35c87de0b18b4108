using System.Globalization;
using Metering.ClientApi.Auth;
using Metering.ClientApi.OpenApi;
using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;

namespace Metering.ClientApi.Endpoints;

/// <summary>Premium credit pools over HTTP (API.md "Pools"): one grain call per request.</summary>
internal static class PoolEndpoints
{
    private const string KeyField = "poolId";

    public static void MapPoolEndpoints(this IEndpointRouteBuilder app)
    {
        var pools = app.MapGroup("/v1/pools/{poolId}").WithTags("Pools").RequireAuthorization(Scopes.Relay);
        pools.MapPost("/reservations", Reserve).Body<PoolReserveBody>().WithSummary("Hold micro-USD for one premium call").Answers<PoolReservation>(StatusCodes.Status201Created, refusable: true);
        pools.MapPost("/reservations/{requestId}/commit", Commit).Body<PoolCommitBody>().WithSummary("Finalize a call with its actual cost; writes its audit record").Answers<PoolCommitReceipt>();
        pools.MapPost("/reservations/{requestId}/release", Release).Body<ReleaseBody>(required: false).WithSummary("Release a hold").Answers<PoolReleaseReceipt>();
        pools.MapGet("/reservations/{requestId}", GetReservation).WithSummary("One reservation's state").Answers<PoolReservationView>();
        pools.MapPost("/usage", FreeUsage).Body<PoolFreeUsageBody>().WithSummary("Record a free call: audited, not debited").Answers<PoolUsageJson>(StatusCodes.Status201Created);
        pools.MapGet("/usage", ListUsage).Paged()
            .Query<DateTimeOffset>("from", "records at or after this time").Query<DateTimeOffset>("to", "records before this time").WithSummary("Audit records, oldest first, paged").Answers<PageJson<PoolUsageJson>>();
        pools.MapGet("/", GetPool).WithSummary("The pool's balance").Answers<PoolView>();

        var admin = app.MapGroup("/v1/admin/pools/{poolId}").WithTags("Admin").RequireAuthorization(Scopes.Admin);
        admin.MapPut("/", SetLimit).Body<PoolLimitBody>().WithSummary("Set a pool's limit").Answers<PoolView>();
        admin.MapPost("/grants", Grant).Body<PoolGrantBody>().WithSummary("Raise a pool's limit, once per grantId").Answers<PoolGrantReceipt>(StatusCodes.Status201Created);
    }

    private static IPoolGrain Pool(IGrainFactory grains, string poolId) => GrainReferences<IPoolGrain>.Get(grains, poolId);

    private static async Task<IResult> SetLimit(HttpContext http, string poolId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Admin, KeyField, poolId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        long? limit = body.Integer("limitMicros", required: true);
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var result = await Pool(grains, poolId).SetLimit(limit!.Value);
        return Answers.From(result.Outcome, result.Pool, result.Errors);
    }

    private static async Task<IResult> Grant(HttpContext http, string poolId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Admin, KeyField, poolId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        string? grantId = body.Identifier("grantId");
        long? micros = body.Integer("micros", required: true);
        string? note = body.Text("note", required: false, Limits.MaxNoteLength);
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var result = await Pool(grains, poolId).Grant(new PoolGrantRequest(grantId!, micros!.Value, note));
        return Answers.From(result.Outcome, result.Receipt, result.Errors);
    }

    private static async Task<IResult> Reserve(HttpContext http, string poolId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Relay, KeyField, poolId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        string? requestId = body.Identifier("requestId");
        long? reserveMicros = body.Integer("reserveMicros", required: true);
        string? usageType = body.Text("usageType", required: true, Limits.MaxLabelLength);
        long ttl = body.Integer("ttlSeconds", required: false, Limits.MinTtlSeconds, Limits.MaxTtlSeconds) ?? Limits.DefaultTtlSeconds;
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var result = await Pool(grains, poolId).Reserve(new PoolReserveRequest(requestId!, reserveMicros!.Value, usageType!, (int)ttl));
        return Answers.From(result.Outcome, result.Reservation, result.Errors, p => p
            .With("usageType", result.Refusal?.UsageType)
            .With("usedMicros", result.Refusal?.UsedMicros)
            .With("limitMicros", result.Refusal?.LimitMicros)
            .With("remainingMicros", result.Refusal?.RemainingMicros));
    }

    private static async Task<IResult> Commit(HttpContext http, string poolId, string requestId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Relay, KeyField, poolId, requestId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        long? actual = body.Integer("actualMicros", required: true);
        long? prompt = body.Integer("promptTokens", required: true);
        long? completion = body.Integer("completionTokens", required: true);
        string? model = body.Text("model", required: true, Limits.MaxLabelLength);
        string? usageType = body.Text("usageType", required: false, Limits.MaxLabelLength);
        string? details = body.RawJson("callDetails", Limits.MaxCallDetailsBytes);
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var request = new PoolCommitRequest(requestId, actual!.Value, prompt!.Value, completion!.Value, model!, usageType, details);
        var result = await Pool(grains, poolId).Commit(request);
        return Answers.From(result.Outcome, result.Receipt, result.Errors);
    }

    private static Task<IResult> Release(HttpContext http, string poolId, string requestId, IGrainFactory grains) =>
        LifecycleRoutes.ReleaseAsync(http, KeyField, poolId, requestId, async () =>
        {
            var result = await Pool(grains, poolId).Release(requestId);
            return (result.Outcome, result.Receipt, result.Errors);
        });

    private static async Task<IResult> FreeUsage(HttpContext http, string poolId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Relay, KeyField, poolId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        string? requestId = body.Identifier("requestId");
        string? usageType = body.Text("usageType", required: true, Limits.MaxLabelLength);
        long? cost = body.Integer("costMicros", required: true);
        long? prompt = body.Integer("promptTokens", required: true);
        long? completion = body.Integer("completionTokens", required: true);
        string? model = body.Text("model", required: true, Limits.MaxLabelLength);
        string? details = body.RawJson("callDetails", Limits.MaxCallDetailsBytes);
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var request = new PoolFreeUsageRequest(requestId!, usageType!, cost!.Value, prompt!.Value, completion!.Value, model!, details);
        var result = await Pool(grains, poolId).RecordFreeUsage(request);
        return Answers.From(result.Outcome, result.Record is null ? null : PoolUsageJson.From(result.Record), result.Errors);
    }

    private static Task<IResult> GetReservation(HttpContext http, string poolId, string requestId, IGrainFactory grains) =>
        LifecycleRoutes.GetReservationAsync(http, KeyField, poolId, requestId, async () =>
        {
            var result = await Pool(grains, poolId).GetReservation(requestId);
            return (result.Outcome, result.Reservation, result.Errors);
        });

    private static async Task<IResult> GetPool(HttpContext http, string poolId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, KeyField, poolId) is { } denied)
        {
            return denied;
        }

        var result = await Pool(grains, poolId).GetPool();
        return Answers.From(result.Outcome, result.Pool, result.Errors);
    }

    private static async Task<IResult> ListUsage(HttpContext http, string poolId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, KeyField, poolId) is { } denied)
        {
            return denied;
        }

        var query = http.Request.Query;
        var errors = new ValidationErrors();
        var (page, pageProblem) = Paging.Read(query);
        var from = ReadTime(query, "from", errors);
        var to = ReadTime(query, "to", errors);
        long? after = null;
        if (pageProblem is null && page.After is { } cursor)
        {
            if (long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out long seq))
            {
                after = seq;
            }
            else
            {
                errors.Add("after", "must be the cursor of a previous page");
            }
        }

        if (pageProblem is not null)
        {
            return pageProblem;
        }

        if (!errors.IsEmpty)
        {
            return ApiProblems.Invalid(errors);
        }

        var result = await Pool(grains, poolId).ListUsage(new PoolUsageQuery(from, to, after, page.Limit));
        var body = new PageJson<PoolUsageJson>(
            [.. result.Items.Select(PoolUsageJson.From)], result.Next?.ToString(CultureInfo.InvariantCulture));
        return Answers.From(result.Outcome, body, result.Errors);
    }

    private static DateTimeOffset? ReadTime(IQueryCollection query, string name, ValidationErrors errors)
    {
        if (!query.TryGetValue(name, out var text))
        {
            return null;
        }

        // No NUL: DateTimeOffset.TryParse ignores trailing NULs ("...Z\0" would read as the time).
        if (text.Count == 1 && !text[0]!.Contains('\0', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value.ToUniversalTime();
        }

        errors.Add(name, "must be an ISO-8601 time, e.g. 2026-11-23T00:00:00Z");
        return null;
    }
}
