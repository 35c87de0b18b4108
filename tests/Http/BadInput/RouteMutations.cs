using System.Text;

namespace Metering.Tests.Http.BadInput;

/// <summary>
/// Bad inputs that belong to one route: query values (paging, time windows, periods, features),
/// rules across members (a merged budget, a tier quota, a token sum), and the fallback's unknown
/// paths and wrong methods. Expectations from docs/api.md for each route.
/// </summary>
internal static class RouteMutations
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    private static Mutation Query(string category, string name, string encoded, Stage stage, string? key = null) =>
        new(category, "query:" + name, $"?{name}={BadValue.Shorten(encoded)}", stage, key ?? name, d => d.SetQuery(name, encoded));

    private static Mutation Twice(string name, string first, string second, Stage stage) =>
        new("query", "query:" + name, $"?{name} twice", stage, name, d =>
        {
            d.SetQuery(name, first);
            d.Query.Add(new(name, second));
        });

    private static Mutation Window(string label, string from, string to, Stage stage, string key) =>
        new("semantic", "query:window", label, stage, key, d =>
        {
            d.SetQuery("from", from);
            d.SetQuery("to", to);
        }, Alone: true);

    /// <summary><c>limit</c> (1 to 1000) and <c>after</c> (a cursor: an identifier, for pool audits also a number).</summary>
    public static IReadOnlyList<Mutation> Paging(bool numericCursor)
    {
        var list = new List<Mutation>();
        foreach (string v in new[]
        {
            "0", "1001", "-1", "abc", "", "1.5", "1e3", "%205", "5%20", "%2B5", "0x10", "99999999999", "%EF%BC%91", "%D9%A1", "%00", "1%00",
            "10000000000000000000000", "2147483648", "-2147483649", "1%00%00", "10%00",
        })
        {
            list.Add(Query("query", "limit", v, Stage.Paging));
        }

        list.Add(Twice("limit", "1", "2", Stage.Paging));
        foreach (string v in new[] { "", "a%20b", new string('a', 129), "%00", "%C3%A9", "a%2Fb", "a%3Fb", "%ED%A0%80", "a%23b", "%2B1", "%EF%BC%91" })
        {
            list.Add(Query("query", "after", v, Stage.Paging));
        }

        list.Add(Twice("after", "a", "b", Stage.Paging));
        if (numericCursor)
        {
            // An identifier, but not a position in the pool's log.
            foreach (string v in new[] { "abc", "1.5", "-1", "99999999999999999999", "1e3", "0x10", "1_0", "1:2" })
            {
                list.Add(Query("query", "after", v, Stage.Fields));
            }
        }

        return list;
    }

    /// <summary>A pool audit listing's <c>from</c> and <c>to</c>: ISO-8601 times, <c>from</c> not after <c>to</c>.</summary>
    public static IReadOnlyList<Mutation> PoolWindow()
    {
        var list = new List<Mutation>();
        foreach (string name in new[] { "from", "to" })
        {
            foreach (string v in new[]
            {
                "x", "2026-13-01", "2026-11-23T25:00:00Z", "", "%00", "now", "2026-11-31", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00%2B14:00",
                "%ED%A0%80", new string('x', 1000), "2026-11-23T00:00:00%2B15:00", "2026-02-29", "2026-11-23T00:00:00Z%00", "2026-11-23%00%00",
            })
            {
                list.Add(Query("query", name, v, Stage.Fields));
            }

            list.Add(Twice(name, "2026-11-01", "2026-11-02", Stage.Fields));
        }

        list.Add(Window("from after to", "2026-11-24", "2026-11-23", Stage.Grain, "to"));
        list.Add(Window("from a second after to", "2026-11-23T00:00:01Z", "2026-11-23T00:00:00Z", Stage.Grain, "to"));
        return list;
    }

    /// <summary>A port usage read's <c>feature</c>: 1 to 128 characters, no control characters, at most once.</summary>
    public static IReadOnlyList<Mutation> Feature()
    {
        var list = new List<Mutation>();
        foreach (string v in new[] { "", "%00", "a%00", "%01", "%7F", "%C2%85", "a%09b", "a%0Ab", "%0D", new string('a', 129), new string('a', 1000) })
        {
            list.Add(Query("query", "feature", v, Stage.Grain));
        }

        list.Add(Twice("feature", "a", "b", Stage.Fields));
        return list;
    }

    /// <summary>Invoice lines' <c>periodStart</c> and <c>periodEnd</c>: real dates, YYYY-MM-DD, in order, at most 731 days.</summary>
    public static IReadOnlyList<Mutation> InvoicePeriod()
    {
        var list = new List<Mutation>();
        foreach (string name in new[] { "periodStart", "periodEnd" })
        {
            list.Add(new("missing", "query:" + name, $"no {name}", Stage.Fields, name, d => d.SetQuery(name, null)));
            foreach (string v in new[]
            {
                "2026-11-1", "2026-02-30", "2026-11-01T00:00:00Z", "20261101", "", "x", "%00", "2026-11-01%20", "%202026-11-01", "0000-01-01",
                "10000-01-01", "%EF%BC%92026-11-01", "2026-11-01%00", "2026/11/01", "01-11-2026", "2026-11-31", "%ED%A0%80",
            })
            {
                list.Add(Query("query", name, v, Stage.Fields));
            }

            list.Add(Twice(name, "2026-11-01", "2026-11-02", Stage.Fields));
        }

        foreach (var (label, start, end) in new[]
        {
            ("end before start", "2026-11-30", "2026-11-01"),
            ("732 days", "2024-01-01", "2026-01-01"),
            ("all of time", "0001-01-01", "9999-12-31"),
        })
        {
            list.Add(new("semantic", "query:period", label, Stage.Grain, "periodEnd", d =>
            {
                d.SetQuery("periodStart", start);
                d.SetQuery("periodEnd", end);
            }, Alone: true));
        }

        return list;
    }

    /// <summary>A daily series' <c>from</c> and <c>to</c>: real dates, YYYY-MM-DD, in order, at most 400 days (both inclusive).</summary>
    public static IReadOnlyList<Mutation> SeriesRange()
    {
        var list = new List<Mutation>();
        foreach (string name in new[] { "from", "to" })
        {
            list.Add(new("missing", "query:" + name, $"no {name}", Stage.Fields, name, d => d.SetQuery(name, null)));
            foreach (string v in new[] { "2026-11-1", "2026-02-30", "2026-11-01T00:00:00Z", "", "x", "%00", "2026-11-01%00", "2026/11/01", "10000-01-01", "%ED%A0%80" })
            {
                list.Add(Query("query", name, v, Stage.Fields));
            }

            list.Add(Twice(name, "2026-11-01", "2026-11-02", Stage.Fields));
        }

        foreach (var (label, from, to) in new[]
        {
            ("to before from", "2026-11-30", "2026-11-01"),
            ("401 days", "2025-01-01", "2026-02-05"),
            ("all of time", "0001-01-01", "9999-12-31"),
        })
        {
            list.Add(new("semantic", "query:range", label, Stage.Grain, "to", d =>
            {
                d.SetQuery("from", from);
                d.SetQuery("to", to);
            }, Alone: true));
        }

        return list;
    }

    private static Mutation Body(string label, Stage stage, string key, string json) =>
        new("semantic", "semantic", label, stage, key, d =>
        {
            d.Members = [];
            foreach (var (name, value) in System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText())))
            {
                d.Add(name, value);
            }
        }, Alone: true);

    /// <summary>A tier quota: exactly one of lifetime / monthly, and the gemini cap of the same basis (docs/api.md "Set one tier's quota").</summary>
    public static IReadOnlyList<Mutation> TierRules() =>
    [
        Body("lifetime and monthly", Stage.Grain, "monthly", """{"lifetime":1,"monthly":1,"geminiCapLifetime":null,"geminiCapMonthly":null}"""),
        Body("monthly cap on a lifetime quota", Stage.Grain, "geminiCapMonthly", """{"lifetime":100,"geminiCapMonthly":5}"""),
        Body("lifetime cap on a monthly quota", Stage.Grain, "geminiCapLifetime", """{"monthly":5,"geminiCapLifetime":5}"""),
        Body("lifetime cap on an unlimited quota", Stage.Grain, "geminiCapLifetime", """{"geminiCapLifetime":1}"""),
    ];

    /// <summary>A budget patch is merged, then <c>softCapTokens</c> must not be above <c>hardCapTokens</c> (the port holds 1000 / 5000).</summary>
    public static IReadOnlyList<Mutation> BudgetRules() =>
    [
        Body("soft cap above the kept hard cap", Stage.Grain, "softCapTokens", """{"softCapTokens":5001}"""),
        Body("hard cap below the kept soft cap", Stage.Grain, "softCapTokens", """{"hardCapTokens":999}"""),
        Body("soft above hard", Stage.Grain, "softCapTokens", """{"softCapTokens":10,"hardCapTokens":5}"""),
        Body("soft at the bound", Stage.Grain, "softCapTokens", """{"softCapTokens":1000000000000000}"""),
        Body("disable with a zero hard cap", Stage.Grain, "softCapTokens", """{"enabled":false,"hardCapTokens":0}"""),
    ];

    /// <summary>A port call's <c>inputTokens + outputTokens</c> may not pass 10^15.</summary>
    public static IReadOnlyList<Mutation> TokenSum() =>
    [
        TokenPair(1_000_000_000_000_000, 1),
        TokenPair(500_000_000_000_001, 500_000_000_000_000),
        TokenPair(1_000_000_000_000_000, 1_000_000_000_000_000),
    ];

    private static Mutation TokenPair(long input, long output) =>
        new("semantic", "semantic", $"{input} + {output} tokens", Stage.Grain, "outputTokens", d =>
        {
            d.Set("inputTokens", input.ToString(System.Globalization.CultureInfo.InvariantCulture));
            d.Set("outputTokens", output.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }, Alone: true);

    /// <summary>Every method a mapped path does not have: 404, the same as an unknown route (docs/api.md "Errors").</summary>
    public static IReadOnlyList<Mutation> WrongMethods(Targets t, IReadOnlyList<RouteSpec> routes)
    {
        var list = new List<Mutation>();
        foreach (var group in routes.GroupBy(r => r.Pattern, StringComparer.Ordinal))
        {
            string path = Fill(group.Key, t);
            foreach (string method in Methods.Where(m => group.All(r => r.Method != m)))
            {
                list.Add(Route("wrong-method", method, path));
            }
        }

        return list;
    }

    /// <summary>
    /// Paths no route has. (Not a known path with a trailing slash: routing matches it, so
    /// <c>POST .../commit/</c> with <c>{}</c> would be a valid install commit.)
    /// </summary>
    public static IReadOnlyList<Mutation> UnknownPaths(Targets t)
    {
        var list = new List<Mutation>();
        foreach (string path in new[]
        {
            $"/v1/install/{t.Install}", $"/v1/installs/{t.Install}/reservation", $"/v2/installs/{t.Install}", $"/v1/installs/{t.Install}/reservations/held/commit/x",
            $"/v1/installs/{t.Install}/reservations/held/cancel", "/v1/installs", "/v1/pools", "/v1/ports", "/v1/tenants", "/v1", "/", "/v1/usage-events/batches",
            "/v1/usage-events/batch/x", $"/v1/tenants/{t.Tenant}/invoice", $"/v1/tenants/{t.Tenant}", "/v1/admin/tier/core", $"/v1/ports/{t.Port}/budgets",
            "/v1/admin", "/v1/admin/pool", $"/v1/installs//reservations/held/commit", $"/v1/installs/{t.Install}/reservations//commit", "/v1/installs//reservations",
            $"/v1/pools/{t.Pool}/reservations//release", "/v1/ports//budget", "/v1/tenants//invoice-lines", "/v1/admin/installs/x", "/v1/admin/pools//grants",
        })
        {
            foreach (string method in new[] { "GET", "POST" })
            {
                list.Add(Route("unknown-route", method, path));
            }
        }

        return list;
    }

    private static Mutation Route(string category, string method, string path) =>
        new(category, "route", $"{method} {path}", Stage.Route, null, d =>
        {
            d.Method = method;
            d.PathPattern = path;
            if (method is "POST" or "PUT" or "PATCH")
            {
                d.Members = [];
                d.ContentType = "application/json";
            }
        });

    public static string Fill(string pattern, Targets t)
    {
        var path = new StringBuilder(pattern);
        path.Replace("{installId}", t.Install).Replace("{poolId}", t.Pool).Replace("{portId}", t.Port).Replace("{tenantId}", t.Tenant)
            .Replace("{requestId}", Targets.Held).Replace("{tier}", "core");
        return path.ToString();
    }
}
