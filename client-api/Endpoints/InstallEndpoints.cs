using Metering.ClientApi.Auth;
using Metering.ClientApi.Json;
using Metering.ClientApi.OpenApi;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;

namespace Metering.ClientApi.Endpoints;

/// <summary>The install credit ledger over HTTP (API.md "Installs"): one grain call per request.</summary>
internal static class InstallEndpoints
{
    public static void MapInstallEndpoints(this IEndpointRouteBuilder app)
    {
        var installs = app.MapGroup("/v1/installs/{installId}").WithTags("Installs").RequireAuthorization(Scopes.Relay);
        installs.MapPost("/reservations", Reserve).Body<InstallReserveBody>().WithSummary("Hold credits for one call and pick its backend").Answers<InstallReservation>(StatusCodes.Status201Created, refusable: true);
        installs.MapPost("/reservations/{requestId}/commit", Commit).Body<InstallCommitBody>(required: false).WithSummary("Finalize a reservation with the credits used").Answers<InstallCommitReceipt>();
        installs.MapPost("/reservations/{requestId}/release", Release).Body<ReleaseBody>(required: false).WithSummary("Release a reservation").Answers<InstallReleaseReceipt>();
        installs.MapGet("/reservations/{requestId}", GetReservation).WithSummary("One reservation's state").Answers<InstallReservationView>();
        installs.MapGet("/", GetInstall).WithSummary("The install's counters and balance").Answers<InstallAccountView>();

        var admin = app.MapGroup("/v1/admin").WithTags("Admin").RequireAuthorization(Scopes.Admin);
        admin.MapGet("/tiers", GetTiers).WithSummary("All tier quotas").Answers<TierQuotas>();
        admin.MapPut("/tiers/{tier}", PutTier).Body<TierQuotaBody>().WithSummary("Set one tier's quota").Answers<TierQuota>();
        admin.MapGet("/installs", ListInstalls).Paged().WithSummary("Every install row, paged by installId").Answers<PageJson<InstallAccountView>>();
    }

    private static IInstallGrain Install(IGrainFactory grains, string installId) => GrainReferences<IInstallGrain>.Get(grains, installId);

    private static async Task<IResult> Reserve(HttpContext http, string installId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Relay, "installId", installId);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        string? requestId = body.Identifier("requestId");
        var tier = body.Enum<Tier>("tier", required: true);
        bool? hasHardware = body.Boolean("hasHardware", required: true);
        long credits = body.Integer("credits", required: false) ?? 1;
        long ttl = body.Integer("ttlSeconds", required: false, Limits.MinTtlSeconds, Limits.MaxTtlSeconds) ?? Limits.DefaultTtlSeconds;
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var request = new InstallReserveRequest(requestId!, tier!.Value, hasHardware!.Value, credits, (int)ttl);
        var result = await Install(grains, installId).Reserve(request);
        return Answers.From(result.Outcome, result.Reservation, result.Errors, p => p
            .With("remaining", result.Remaining)
            .With("geminiRemaining", result.GeminiRemaining));
    }

    private static async Task<IResult> Commit(HttpContext http, string installId, string requestId, IGrainFactory grains)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Relay, "installId", installId, requestId, emptyIsObject: true);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        var backend = body.Enum<Backend>("backend", required: false);
        long? credits = body.Integer("credits", required: false);
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var result = await Install(grains, installId).Commit(new InstallCommitRequest(requestId, backend, credits));
        return Answers.From(result.Outcome, result.Receipt, result.Errors);
    }

    private static Task<IResult> Release(HttpContext http, string installId, string requestId, IGrainFactory grains) =>
        LifecycleRoutes.ReleaseAsync(http, "installId", installId, requestId, async () =>
        {
            var result = await Install(grains, installId).Release(requestId);
            return (result.Outcome, result.Receipt, result.Errors);
        });

    private static Task<IResult> GetReservation(HttpContext http, string installId, string requestId, IGrainFactory grains) =>
        LifecycleRoutes.GetReservationAsync(http, "installId", installId, requestId, async () =>
        {
            var result = await Install(grains, installId).GetReservation(requestId);
            return (result.Outcome, result.Reservation, result.Errors);
        });

    private static async Task<IResult> GetInstall(HttpContext http, string installId, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Relay, "installId", installId) is { } denied)
        {
            return denied;
        }

        var result = await Install(grains, installId).GetAccount();
        return Answers.From(result.Outcome, result.Account, result.Errors);
    }

    private static async Task<IResult> GetTiers(HttpContext http, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Admin) is { } denied)
        {
            return denied;
        }

        var quotas = await grains.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key).Get();
        return Answers.Ok(quotas);
    }

    private static async Task<IResult> PutTier(HttpContext http, string tier, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Admin) is { } denied)
        {
            return denied;
        }

        var (fields, problem) = await JsonBody.ReadAsync(http.Request, Limits.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        var parsedTier = ParseTier(tier, body.Errors);
        long? lifetime = body.Integer("lifetime", required: false, nullable: true);
        long? monthly = body.Integer("monthly", required: false, nullable: true);
        long? geminiCapLifetime = body.Integer("geminiCapLifetime", required: false, nullable: true);
        long? geminiCapMonthly = body.Integer("geminiCapMonthly", required: false, nullable: true);
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        var quota = new TierQuota(lifetime, monthly, geminiCapLifetime, geminiCapMonthly);
        var result = await grains.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key).Set(parsedTier!.Value, quota);
        return Answers.From(result.Outcome, result.Quota, result.Errors);
    }

    private static async Task<IResult> ListInstalls(HttpContext http, IGrainFactory grains)
    {
        if (Access.Check(http, Scope.Admin) is { } denied)
        {
            return denied;
        }

        var (page, problem) = Paging.Read(http.Request.Query);
        if (problem is not null)
        {
            return problem;
        }

        var result = await grains.GetGrain<IInstallCatalogGrain>(0).List(page.After, page.Limit);
        return Answers.From(result.Outcome, new PageJson<InstallAccountView>(result.Items, result.Next));
    }

    private static Tier? ParseTier(string text, ValidationErrors errors)
    {
        foreach (var tier in Enum.GetValues<Tier>())
        {
            if (ApiNames.Of(tier.ToString()) == text)
            {
                return tier;
            }
        }

        errors.Add("tier", "must be core, pro or max");
        return null;
    }
}
