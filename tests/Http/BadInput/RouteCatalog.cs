using Metering.Tests.Support;

namespace Metering.Tests.Http.BadInput;

/// <summary>
/// Every route of client-api that takes input, as the generator knows it. <see cref="BadInputTests"/>
/// checks this list against the endpoints client-api actually maps, so a new route fails the
/// build of the barrage until it is described here.
/// </summary>
internal static class RouteCatalog
{
    private const string Relay = ClusterFixture.RelayKey;
    private const string Admin = ClusterFixture.AdminKey;

    /// <summary>Mapped routes that take no input at all (no path parameter, body or query), so nothing can be bad.</summary>
    public static readonly IReadOnlyDictionary<string, string> TakesNoInput = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["GET /healthz"] = "no input",
        ["GET /readyz"] = "no input",
        ["* /metrics"] = "no input (Prometheus scraping, every method)",
        ["GET /v1/admin/tiers"] = "no input (the key is covered by every other admin route)",
        ["GET /v1/admin/overview"] = "no input (the key is covered by every other admin route)",
        // Served by Microsoft.AspNetCore.OpenApi, not by client-api's code: an unknown document
        // name is its 404 with a text/plain body, which the problem middleware leaves alone.
        ["GET /openapi/{documentName}.json"] = "framework route (OpenAPI document)",
        // Served by Scalar.AspNetCore: the reference page and its static assets.
        ["GET /reference/{documentName?}"] = "framework route (API reference page)",
        ["GET /reference/scalar.js"] = "framework route (reference page's script)",
        ["GET /reference/scalar.aspnetcore.js"] = "framework route (reference page's script)",
        ["GET /reference/favicon.svg"] = "framework route (reference page's icon)",
    };

    public static IReadOnlyList<RouteSpec> All(Targets t)
    {
        var routes = new List<RouteSpec>();
        routes.AddRange(Installs(t));
        routes.AddRange(Pools(t));
        routes.AddRange(Ports(t));
        routes.AddRange(Usage(t));
        routes.AddRange(AdminViews(t));
        routes.Add(Fallback(t, routes));
        return routes;
    }

    private static PathParam Account(string name, string value, params string[] unknown) => new(name, value, Stage.PathAccount, unknown);

    private static PathParam Reservation() => new("requestId", Targets.Held, Stage.PathRequest, [Targets.Nowhere, "bi-nope-2"]);

    private static PathParam Reservation(string keyedApart) => new("requestId", Targets.Held, Stage.PathRequest, [Targets.Nowhere, keyedApart]);

    private static IEnumerable<RouteSpec> Installs(Targets t)
    {
        var install = Account("installId", t.Install);
        var installOfReservation = Account("installId", t.Install, "bi-nobody");
        yield return new("POST", "/v1/installs/{installId}/reservations", Relay, RouteAccess.RelayAccount, [install], new BodySpec(
        [
            Field.Id("requestId", n => $"bi-{n}"),
            Field.Enum("tier", "core", ["core", "pro", "max"], "gemini"),
            Field.Bool("hasHardware", false),
            Field.Int("credits", 1, required: false),
            Field.Int("ttlSeconds", 300, required: false, min: 1, max: 86400),
        ]));
        yield return new("POST", "/v1/installs/{installId}/reservations/{requestId}/commit", Relay, RouteAccess.RelayAccount, [installOfReservation, Reservation()], new BodySpec(
        [
            Field.Enum("backend", "gemini", ["gemini", "hardware"], "core", required: false),
            Field.Int("credits", 1, required: false),
        ], EmptyIsObject: true));
        yield return new("POST", "/v1/installs/{installId}/reservations/{requestId}/release", Relay, RouteAccess.RelayAccount, [installOfReservation, Reservation()],
            new BodySpec([], EmptyIsObject: true));
        yield return new("GET", "/v1/installs/{installId}/reservations/{requestId}", Relay, RouteAccess.RelayAccount, [installOfReservation, Reservation()]);
        yield return new("GET", "/v1/installs/{installId}", Relay, RouteAccess.RelayAccount, [install]);
        yield return new("PUT", "/v1/admin/tiers/{tier}", Admin, RouteAccess.AdminGlobal, [new PathParam("tier", "core", Stage.Fields, [])], new BodySpec(
        [
            Field.NullableInt("lifetime", 100),
            Field.NullableInt("monthly", null),
            Field.NullableInt("geminiCapLifetime", null),
            Field.NullableInt("geminiCapMonthly", null),
        ]), Extra: RouteMutations.TierRules());
        yield return new("GET", "/v1/admin/installs", Admin, RouteAccess.AdminGlobal, [], Extra: RouteMutations.Paging(numericCursor: false));
    }

    private static IEnumerable<RouteSpec> Pools(Targets t)
    {
        var pool = Account("poolId", t.Pool);
        var poolOfReservation = Account("poolId", t.Pool, "bi-nobody");
        yield return new("POST", "/v1/pools/{poolId}/reservations", Relay, RouteAccess.RelayAccount, [pool], new BodySpec(
        [
            Field.Id("requestId", n => $"bi-{n}"),
            Field.Int("reserveMicros", 1),
            Field.Text("usageType", "chat"),
            Field.Int("ttlSeconds", 300, required: false, min: 1, max: 86400),
        ]));
        yield return new("POST", "/v1/pools/{poolId}/reservations/{requestId}/commit", Relay, RouteAccess.RelayAccount, [poolOfReservation, Reservation(Targets.FreeCall)], new BodySpec(
        [
            Field.Int("actualMicros", 1),
            Field.Int("promptTokens", 1),
            Field.Int("completionTokens", 1),
            Field.Text("model", "m"),
            Field.Text("usageType", "chat", required: false),
            Field.CallDetails("callDetails", """{"k":1}"""),
        ]));
        yield return new("POST", "/v1/pools/{poolId}/reservations/{requestId}/release", Relay, RouteAccess.RelayAccount, [poolOfReservation, Reservation(Targets.FreeCall)],
            new BodySpec([], EmptyIsObject: true));
        yield return new("GET", "/v1/pools/{poolId}/reservations/{requestId}", Relay, RouteAccess.RelayAccount, [poolOfReservation, Reservation(Targets.FreeCall)]);
        yield return new("POST", "/v1/pools/{poolId}/usage", Relay, RouteAccess.RelayAccount, [pool], new BodySpec(
        [
            Field.Id("requestId", n => $"bi-{n}"),
            Field.Text("usageType", "chat"),
            Field.Int("costMicros", 1),
            Field.Int("promptTokens", 1),
            Field.Int("completionTokens", 1),
            Field.Text("model", "m"),
            Field.CallDetails("callDetails", """{"k":1}"""),
        ]));
        yield return new("GET", "/v1/pools/{poolId}/usage", Relay, RouteAccess.RelayAccount, [pool], Extra: [.. RouteMutations.Paging(numericCursor: true), .. RouteMutations.PoolWindow()]);
        yield return new("GET", "/v1/pools/{poolId}", Relay, RouteAccess.RelayAccount, [pool]);
        yield return new("PUT", "/v1/admin/pools/{poolId}", Admin, RouteAccess.AdminAccount, [pool], new BodySpec([Field.Int("limitMicros", 1_000_000)]));
        yield return new("POST", "/v1/admin/pools/{poolId}/grants", Admin, RouteAccess.AdminAccount, [pool], new BodySpec(
        [
            Field.Id("grantId", n => $"bi-{n}"),
            Field.Int("micros", 1),
            Field.Text("note", "n", required: false, maxLength: 1024, multiline: true),
        ]));
    }

    private static IEnumerable<RouteSpec> Ports(Targets t)
    {
        var port = Account("portId", t.Port);
        var portOfReservation = Account("portId", t.Port, "bi-nobody");
        yield return new("GET", "/v1/ports/{portId}/budget", Relay, RouteAccess.RelayAccount, [port]);
        yield return new("PUT", "/v1/ports/{portId}/budget", Admin, RouteAccess.AdminAccount, [port], new BodySpec(
        [
            Field.Bool("enabled", true, required: false),
            Field.Int("softCapTokens", 1000, required: false),
            Field.Int("hardCapTokens", 5000, required: false),
            Field.Enum("period", "month", ["day", "week", "month"], "core", required: false),
        ]), Extra: RouteMutations.BudgetRules());
        yield return new("POST", "/v1/ports/{portId}/reservations", Relay, RouteAccess.RelayAccount, [port], new BodySpec(
        [
            Field.Id("requestId", n => $"bi-{n}"),
            Field.Int("estimatedTokens", 1),
            Field.Text("feature", "chat"),
            Field.Int("ttlSeconds", 300, required: false, min: 1, max: 86400),
        ]));
        yield return new("POST", "/v1/ports/{portId}/reservations/{requestId}/commit", Relay, RouteAccess.RelayAccount, [portOfReservation, Reservation(Targets.PortUsage)], new BodySpec(
        [
            Field.Int("inputTokens", 1),
            Field.Int("outputTokens", 1),
            Field.Text("provider", "p"),
            Field.Text("model", "m"),
            Field.Text("feature", "chat", required: false),
            Field.Text("userId", "u", required: false),
        ]), Extra: RouteMutations.TokenSum());
        yield return new("POST", "/v1/ports/{portId}/reservations/{requestId}/release", Relay, RouteAccess.RelayAccount, [portOfReservation, Reservation(Targets.PortUsage)],
            new BodySpec([], EmptyIsObject: true));
        yield return new("GET", "/v1/ports/{portId}/reservations/{requestId}", Relay, RouteAccess.RelayAccount, [portOfReservation, Reservation(Targets.PortUsage)]);
        yield return new("POST", "/v1/ports/{portId}/usage", Relay, RouteAccess.RelayAccount, [port], new BodySpec(
        [
            Field.Id("requestId", n => $"bi-{n}"),
            Field.Int("inputTokens", 1),
            Field.Int("outputTokens", 1),
            Field.Text("provider", "p"),
            Field.Text("model", "m"),
            Field.Text("feature", "chat"),
            Field.Text("userId", "u", required: false),
        ]), Extra: RouteMutations.TokenSum());
        yield return new("GET", "/v1/ports/{portId}/usage", Relay, RouteAccess.RelayAccount, [port], Extra: RouteMutations.Feature());
        yield return new("GET", "/v1/ports/{portId}/breakdown", Relay, RouteAccess.RelayAccount, [port]);
        yield return new("GET", "/v1/ports/{portId}", Relay, RouteAccess.RelayAccount, [port]);
    }

    /// <summary>The members of one usage event (also each event of a batch).</summary>
    public static IReadOnlyList<Field> EventFields(Targets t) =>
    [
        Field.Id("gatewayRequestId", n => $"bi-{n}"),
        Field.Id("tenantId", _ => t.Tenant),
        Field.Id("deploymentId", _ => "d1"),
        Field.Time("occurredAt", "2026-11-23T10:00:00Z"),
        Field.Int("inputTokens", 1),
        Field.Int("outputTokens", 1),
        Field.Charge("customerCharge", "0.01"),
    ];

    public const string BatchPattern = "/v1/usage-events/batch";

    private static IEnumerable<RouteSpec> Usage(Targets t)
    {
        yield return new("POST", "/v1/usage-events", Relay, RouteAccess.RelayTenantInBody, [], new BodySpec(EventFields(t)));
        yield return new("POST", BatchPattern, Relay, RouteAccess.RelayTenantInBody, [],
            new BodySpec([new Field("events", true, _ => "null", BadValues.Events)], MaxBytes: 1024 * 1024, IsBatch: true));
        yield return new("GET", "/v1/tenants/{tenantId}/invoice-lines", Relay, RouteAccess.RelayAccount, [Account("tenantId", t.Tenant)],
            BaseQuery: [new("periodStart", "2026-11-01"), new("periodEnd", "2026-11-30")], Extra: RouteMutations.InvoicePeriod());
    }

    private static IEnumerable<RouteSpec> AdminViews(Targets t)
    {
        yield return new("GET", "/v1/admin/pools", Admin, RouteAccess.AdminGlobal, [], Extra: RouteMutations.Paging(numericCursor: false));
        yield return new("GET", "/v1/admin/ports", Admin, RouteAccess.AdminGlobal, [], Extra: RouteMutations.Paging(numericCursor: false));
        yield return new("GET", "/v1/admin/tenants", Admin, RouteAccess.AdminGlobal, [], Extra: RouteMutations.Paging(numericCursor: false));
        yield return new("GET", "/v1/admin/pools/{poolId}/grants", Admin, RouteAccess.AdminAccount, [Account("poolId", t.Pool)], Extra: RouteMutations.Paging(numericCursor: false));
        yield return new("GET", "/v1/admin/ports/{portId}/budget-changes", Admin, RouteAccess.AdminAccount, [Account("portId", t.Port)], Extra: RouteMutations.Paging(numericCursor: true));
        yield return new("GET", "/v1/ports/{portId}/daily", Relay, RouteAccess.RelayAccount, [Account("portId", t.Port)],
            BaseQuery: [new("from", "2026-11-01"), new("to", "2026-11-30")], Extra: RouteMutations.SeriesRange());
        yield return new("GET", "/v1/tenants/{tenantId}/daily", Relay, RouteAccess.RelayAccount, [Account("tenantId", t.Tenant)],
            BaseQuery: [new("from", "2026-11-01"), new("to", "2026-11-30")], Extra: RouteMutations.SeriesRange());
    }

    /// <summary>The fallback: unknown paths, and known paths with a method they do not have, are 404 before any key is looked at.</summary>
    private static RouteSpec Fallback(Targets t, IReadOnlyList<RouteSpec> routes) =>
        new("*", "{*path:nonfile}", Admin, RouteAccess.AdminGlobal, [], Extra: [.. RouteMutations.WrongMethods(t, routes), .. RouteMutations.UnknownPaths(t)]);
}
