using System.Net;
using System.Text;
using Metering.Tests.Support;
using Npgsql;

namespace Metering.Tests.Http.BadInput;

/// <summary>
/// The known state the bad requests aim at, made over HTTP before the barrage, and read back
/// after it: every account as HTTP shows it, and a digest of every ledger table in PostgreSQL
/// (all accounts, not only these: a bad request must not write anywhere).
/// </summary>
internal static class AccountState
{
    /// <summary>Each table's row count and a digest of its rows in a fixed order (the statements name constant tables only).</summary>
    private static readonly (string Table, string Sql)[] Digests =
    [
        ("ledger_account", "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ledger_account t"),
        ("ledger_hold", "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ledger_hold t"),
        ("ledger_journal", "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ledger_journal t"),
        ("pool_audit", "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM pool_audit t"),
        ("port_usage_day", "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM port_usage_day t"),
        ("port_budget_change", "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM port_budget_change t"),
        ("usage_event", "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM usage_event t"),
        ("usage_rollup_day", "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM usage_rollup_day t"),
        ("orleansstorage", "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM orleansstorage t"),
    ];

    public static async Task SetUpAsync(HttpClient http, Targets t)
    {
        string install = $"/v1/installs/{t.Install}";
        await Expect(http, HttpStatusCode.Created, "POST", $"{install}/reservations", """{"requestId":"held","tier":"core","hasHardware":false,"credits":5,"ttlSeconds":86400}""");
        await Expect(http, HttpStatusCode.Created, "POST", $"{install}/reservations", """{"requestId":"done","tier":"core","hasHardware":false,"credits":2,"ttlSeconds":86400}""");
        await Expect(http, HttpStatusCode.OK, "POST", $"{install}/reservations/done/commit", """{"credits":3}""");

        string pool = $"/v1/pools/{t.Pool}";
        await Expect(http, HttpStatusCode.OK, "PUT", $"/v1/admin/pools/{t.Pool}", """{"limitMicros":1000000}""");
        await Expect(http, HttpStatusCode.Created, "POST", $"/v1/admin/pools/{t.Pool}/grants", """{"grantId":"g-1","micros":5000,"note":"seed"}""");
        await Expect(http, HttpStatusCode.Created, "POST", $"{pool}/reservations", """{"requestId":"held","reserveMicros":1000,"usageType":"chat","ttlSeconds":86400}""");
        await Expect(http, HttpStatusCode.Created, "POST", $"{pool}/reservations", """{"requestId":"done","reserveMicros":100,"usageType":"chat","ttlSeconds":86400}""");
        await Expect(http, HttpStatusCode.OK, "POST", $"{pool}/reservations/done/commit", """{"actualMicros":150,"promptTokens":1,"completionTokens":2,"model":"m","callDetails":{"k":1}}""");
        await Expect(http, HttpStatusCode.Created, "POST", $"{pool}/usage", """{"requestId":"free-1","usageType":"chat","costMicros":7,"promptTokens":1,"completionTokens":1,"model":"m"}""");

        string port = $"/v1/ports/{t.Port}";
        await Expect(http, HttpStatusCode.OK, "PUT", $"{port}/budget", """{"enabled":true,"softCapTokens":1000,"hardCapTokens":5000,"period":"month"}""");
        await Expect(http, HttpStatusCode.Created, "POST", $"{port}/reservations", """{"requestId":"held","estimatedTokens":100,"feature":"chat","ttlSeconds":86400}""");
        await Expect(http, HttpStatusCode.Created, "POST", $"{port}/usage", """{"requestId":"use-1","inputTokens":150,"outputTokens":50,"provider":"p","model":"m","feature":"search"}""");

        await Expect(http, HttpStatusCode.Created, "POST", "/v1/usage-events",
            $$"""{"gatewayRequestId":"gw-1","tenantId":"{{t.Tenant}}","deploymentId":"d1","occurredAt":"2026-11-23T10:00:00Z","inputTokens":100,"outputTokens":50,"customerCharge":"0.05"}""");
        await Expect(http, HttpStatusCode.OK, "POST", "/v1/usage-events/batch",
            $$"""{"events":[{"gatewayRequestId":"gw-2","tenantId":"{{t.Tenant}}","deploymentId":"d2","occurredAt":"2026-11-23T11:00:00Z","inputTokens":10,"outputTokens":5,"customerCharge":"0.02"}]}""");
    }

    /// <summary>Everything a bad request could have changed, by name.</summary>
    public static async Task<SortedDictionary<string, string>> ReadAsync(HttpClient http, string connectionString, Targets t)
    {
        var state = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in new[]
        {
            $"/v1/installs/{t.Install}", $"/v1/installs/{t.Install}/reservations/held", $"/v1/installs/{t.Install}/reservations/done",
            $"/v1/pools/{t.Pool}", $"/v1/pools/{t.Pool}/reservations/held", $"/v1/pools/{t.Pool}/reservations/done", $"/v1/pools/{t.Pool}/usage?limit=1000",
            $"/v1/ports/{t.Port}", $"/v1/ports/{t.Port}/budget", $"/v1/ports/{t.Port}/usage", $"/v1/ports/{t.Port}/usage?feature=chat",
            $"/v1/ports/{t.Port}/breakdown", $"/v1/ports/{t.Port}/reservations/held",
            $"/v1/tenants/{t.Tenant}/invoice-lines?periodStart=2026-11-01&periodEnd=2026-11-30",
            "/v1/admin/tiers", "/v1/admin/installs?limit=1000",
        })
        {
            var (status, body, _) = await http.Send(HttpMethod.Get, path, ClusterFixture.AdminKey);
            state[path] = $"{(int)status} {body.GetRawText()}";
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var (table, sql) in Digests)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            await reader.ReadAsync(TestContext.Current.CancellationToken);
            state["table " + table] = $"{reader.GetInt64(0)} rows, md5 {reader.GetString(1)}";
        }

        return state;
    }

    private static async Task Expect(HttpClient http, HttpStatusCode status, string method, string path, string json)
    {
        var answer = await http.Send(new HttpMethod(method), path, ClusterFixture.AdminKey, json);
        if (answer.Status != status)
        {
            throw new InvalidOperationException($"setting up: {method} {path} answered {(int)answer.Status} {answer.Body.GetRawText()}, expected {(int)status}");
        }
    }

    public static string Diff(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in before)
        {
            if (!after.TryGetValue(name, out var now) || now != value)
            {
                text.AppendLine($"{name}\n  before: {value}\n  after:  {now}");
            }
        }

        return text.ToString();
    }
}
