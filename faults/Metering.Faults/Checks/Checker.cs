using System.Globalization;
using System.Net;
using System.Text.Json;
using Metering.Faults.Load;
using Npgsql;

namespace Metering.Faults.Checks;

/// <summary>
/// Reads everything back after the run and checks the history against API.md's promises: every
/// acknowledged change is there (in its acknowledged state or a later one); no account passed its
/// limit; counters equal the sum of their durable effects (each key applied once at most, audit
/// records equal commits plus free calls); every replay answered the first answer; every unknown
/// outcome settled as applied once or not at all; invoice lines equal a recomputation from the
/// stored events.
/// </summary>
internal sealed class Checker(IReadOnlyList<Op> ops, StoredState stored, FrontEnds frontEnds, string connectionString, int seed)
{
    /// <summary>Most acknowledged operations of one action replayed after the run (a bound on the check's time).</summary>
    private const int MaxReplaysPerAction = 300;

    private static readonly string[] Kinds = ["install", "pool", "port"];

    public async Task<CheckResult> RunAsync()
    {
        var result = new CheckResult();
        CheckAcknowledged(result);
        CheckLimits(result);
        CheckEffects(result);
        CheckAnswersDuringTheRun(result);
        CheckUnknown(result);
        await CheckReplaysAfterTheRunAsync(result);
        await CheckInvoicesAsync(result);
        return result;
    }

    private void CheckAcknowledged(CheckResult result)
    {
        foreach (var op in ops.Where(o => o.Outcome == OpOutcome.Ok))
        {
            foreach (var missing in MissingEffects(op))
            {
                result.LostAcknowledged++;
                result.Violation($"acknowledged {Describe(op)} is missing afterwards: {missing}");
            }
        }
    }

    /// <summary>What an acknowledged operation should have left behind and did not.</summary>
    private IEnumerable<string> MissingEffects(Op op)
    {
        var holdKey = (op.Kind, op.Account, op.Key);
        switch (op.Action)
        {
            case "reserve" when !stored.Holds.ContainsKey(holdKey):
                yield return "no hold row";
                break;
            case "commit" when !stored.Holds.TryGetValue(holdKey, out var hold) || hold.State != 1:
                yield return "the hold is not committed";
                break;
            case "commit" when op.Kind == "pool" && !stored.Audit.Any(a => a.Pool == op.Account && a.RequestId == op.Key && a.Billed):
                yield return "no billed audit record";
                break;
            case "release" when !stored.Holds.TryGetValue(holdKey, out var released) || released.State != 2:
                yield return "the hold is not released";
                break;
            case "usage" when !stored.Journal.Contains((op.Kind, op.Account, op.Key, "usage")):
                yield return "no journal entry";
                break;
            case "usage" when op.Kind == "pool" && !stored.Audit.Any(a => a.Pool == op.Account && a.RequestId == op.Key && !a.Billed):
                yield return "no free-call audit record";
                break;
            case "event" when !stored.Events.Contains((op.Account, op.Key)):
                yield return "no stored event";
                break;
            case "batch":
                var results = Workload.BatchResults(op.Response);
                var events = BatchEvents(op);
                for (int i = 0; i < events.Count; i++)
                {
                    if (results[i] is "recorded" or "duplicate" && !stored.Events.Contains(events[i]))
                    {
                        yield return $"event {events[i].Key} of the batch is not stored";
                    }
                }

                break;
        }
    }

    private void CheckLimits(CheckResult result)
    {
        foreach (var ((kind, account), state) in stored.Accounts)
        {
            result.AccountsChecked++;
            string? broken = kind switch
            {
                "install" when account.StartsWith("f-inst-", StringComparison.Ordinal) && Long(state, "lifetimeConsumed") > WorkloadShape.CoreLifetimeCredits =>
                    $"lifetime use {Long(state, "lifetimeConsumed")} > {WorkloadShape.CoreLifetimeCredits}",
                "pool" when Long(state, "usedMicros") > Long(state, "limitMicros") =>
                    $"used {Long(state, "usedMicros")} > limit {Long(state, "limitMicros")}",
                "port" when account.StartsWith("f-port-", StringComparison.Ordinal) && stored.PortTokensThisMonth.GetValueOrDefault(account) > WorkloadShape.PortHardCapTokens =>
                    $"month's tokens {stored.PortTokensThisMonth.GetValueOrDefault(account)} > hard cap {WorkloadShape.PortHardCapTokens}",
                _ => null,
            };
            if (broken is not null)
            {
                result.OverspentAccounts++;
                result.Violation($"{kind} {account} overspent: {broken}");
            }
        }
    }

    private void CheckEffects(CheckResult result)
    {
        var committed = stored.Holds.Where(h => h.Value.State == 1)
            .GroupBy(h => (h.Key.Kind, h.Key.Account))
            .ToDictionary(g => g.Key, g => (Sum: g.Sum(h => h.Value.Committed ?? 0), Count: g.Count()));

        foreach (var ((kind, account), state) in stored.Accounts)
        {
            var (sum, count) = committed.GetValueOrDefault((kind, account));
            switch (kind)
            {
                case "install":
                    Expect(result, $"install {account}: lifetime use equals its committed holds", Long(state, "lifetimeConsumed") + Long(state, "monthlyConsumed"), sum);
                    break;
                case "pool":
                    var audit = stored.Audit.Where(a => a.Pool == account).ToList();
                    Expect(result, $"pool {account}: used equals its committed holds", Long(state, "usedMicros"), sum);
                    Expect(result, $"pool {account}: used equals its billed audit records", Long(state, "usedMicros"), audit.Where(a => a.Billed).Sum(a => a.Cost));
                    Expect(result, $"pool {account}: billed audit records equal commits", audit.Count(a => a.Billed), count);
                    Expect(result, $"pool {account}: free audit records equal free calls", audit.Count(a => !a.Billed),
                        stored.Journal.Count(j => j.Kind == "pool" && j.Account == account && j.Operation == "usage"));
                    Expect(result, $"pool {account}: one audit record per key", audit.Count, audit.Select(a => (a.RequestId, a.Billed)).Distinct().Count());
                    break;
                case "port":
                    Expect(result, $"port {account}: tokens equal its commits and usage records",
                        stored.PortTokens.GetValueOrDefault(account), sum + stored.PortUsageRecordTokens.GetValueOrDefault(account));
                    break;
            }
        }
    }

    private void CheckAnswersDuringTheRun(CheckResult result)
    {
        foreach (var group in ops.Where(o => o.Outcome == OpOutcome.Ok && o.Action != "batch").GroupBy(o => (o.Kind, o.Account, o.Action, o.Key)))
        {
            var answers = group.OrderBy(o => o.Id).ToList();
            result.ReplaysChecked += answers.Count - 1;
            if (answers.Count(a => a.Status == (int)HttpStatusCode.Created) > 1)
            {
                result.DuplicateEffects++;
                result.Violation($"{Describe(answers[0])} was created {answers.Count(a => a.Status == 201)} times");
            }

            if (group.Key.Action == "event")
            {
                if (answers.Count(a => a.Response.Contains("recorded", StringComparison.Ordinal)) > 1)
                {
                    result.DuplicateEffects++;
                    result.Violation($"{Describe(answers[0])} was recorded more than once");
                }

                continue;
            }

            foreach (var other in answers.Skip(1).Where(a => !SameJson(a.Response, answers[0].Response)))
            {
                result.ReplayMismatches++;
                result.Violation($"{Describe(other)} answered {other.Response} where the first answer was {answers[0].Response}");
            }
        }
    }

    private void CheckUnknown(CheckResult result)
    {
        foreach (var op in ops.Where(o => o.Outcome is OpOutcome.Unknown && o.Action != "batch"))
        {
            if (MissingEffects(op).Any())
            {
                result.UnknownNotApplied++;
            }
            else
            {
                result.UnknownApplied++;
            }
        }
    }

    private async Task CheckReplaysAfterTheRunAsync(CheckResult result)
    {
        var random = new Random(seed);
        var firsts = ops.Where(o => o.Outcome == OpOutcome.Ok && o.Action != "batch")
            .GroupBy(o => (o.Kind, o.Account, o.Action, o.Key))
            .Select(g => g.OrderBy(o => o.Id).First())
            .GroupBy(o => (o.Kind, o.Action))
            .SelectMany(g => g.OrderBy(_ => random.Next()).Take(MaxReplaysPerAction))
            .ToList();
        await Parallel.ForEachAsync(firsts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (first, _) =>
        {
            var (status, body) = await frontEnds.CallAsync(first.Method, first.Path, first.Body, 1 - first.FrontEnd);
            bool same = first.Action == "event"
                ? status == HttpStatusCode.OK && body.Contains("duplicate", StringComparison.Ordinal)
                : status == HttpStatusCode.OK && SameJson(body, first.Response);
            lock (result)
            {
                result.ReplaysChecked++;
                if (!same)
                {
                    result.ReplayMismatches++;
                    result.Violation($"replay after the run of {Describe(first)} answered {(int)status} {body}; first answer {first.Status} {first.Response}");
                }
            }
        });
    }

    private async Task CheckInvoicesAsync(CheckResult result)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        foreach (string tenant in stored.Events.Select(e => e.Tenant).Distinct())
        {
            await using var range = db.CreateCommand(
                "SELECT min((occurred_at AT TIME ZONE 'UTC')::date), max((occurred_at AT TIME ZONE 'UTC')::date) FROM usage_event WHERE tenant_id = $1");
            range.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            DateOnly from, to;
            await using (var reader = await range.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                (from, to) = (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
            }

            string expected = await RecomputedLinesAsync(db, tenant, from, to);
            var (status, body) = await frontEnds.CallAsync(HttpMethod.Get,
                $"/v1/tenants/{tenant}/invoice-lines?periodStart={from:yyyy-MM-dd}&periodEnd={to:yyyy-MM-dd}");
            string actual = status == HttpStatusCode.OK ? LinesOf(body) : $"HTTP {(int)status} {body}";
            result.InvoicesChecked++;
            if (actual != expected)
            {
                result.InvoiceMismatches++;
                result.Violation($"invoice of {tenant} {from}..{to}: answered {actual}, recomputed {expected}");
            }
        }
    }

    /// <summary>The invoice lines recomputed from the raw events, summed and rounded once by PostgreSQL (round() on numeric is half away from zero).</summary>
    private static async Task<string> RecomputedLinesAsync(NpgsqlDataSource db, string tenant, DateOnly from, DateOnly to)
    {
        await using var cmd = db.CreateCommand(
            "SELECT deployment_id, sum(input_tokens)::bigint, sum(output_tokens)::bigint, count(*)::bigint, round(sum(customer_charge) * 100)::bigint " +
            "FROM usage_event WHERE tenant_id = $1 AND (occurred_at AT TIME ZONE 'UTC')::date BETWEEN $2 AND $3 " +
            "GROUP BY deployment_id HAVING round(sum(customer_charge) * 100) <> 0 ORDER BY deployment_id");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = to });
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(Line(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return string.Join(" | ", lines);
    }

    private static string LinesOf(string body)
    {
        using var doc = JsonDocument.Parse(body);
        return string.Join(" | ", doc.RootElement.EnumerateArray().Select(l =>
        {
            var meta = l.GetProperty("meta");
            long input = meta.GetProperty("inputTokens").GetInt64(), output = meta.GetProperty("outputTokens").GetInt64();
            if (l.GetProperty("qty").GetInt64() != input + output)
            {
                return "qty differs from input + output";
            }

            return Line(l.GetProperty("deploymentId").GetString()!, input, output, meta.GetProperty("requests").GetInt64(), l.GetProperty("amountCents").GetInt64());
        }));
    }

    private static string Line(string deployment, long input, long output, long requests, long cents) =>
        string.Create(CultureInfo.InvariantCulture, $"{deployment}: {input} in, {output} out, {requests} requests, {cents} cents");

    private static List<(string Tenant, string Key)> BatchEvents(Op op)
    {
        using var doc = JsonDocument.Parse(op.Body!);
        return [.. doc.RootElement.GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("tenantId").GetString()!, e.GetProperty("gatewayRequestId").GetString()!))];
    }

    private static void Expect(CheckResult result, string what, long actual, long expected)
    {
        if (actual != expected)
        {
            result.DuplicateEffects++;
            result.Violation($"{what}: {actual} != {expected}");
        }
    }

    private static long Long(JsonElement state, string name) =>
        state.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    private static bool SameJson(string a, string b)
    {
        try
        {
            using var x = JsonDocument.Parse(a);
            using var y = JsonDocument.Parse(b);
            return JsonElement.DeepEquals(x.RootElement, y.RootElement);
        }
        catch (JsonException)
        {
            return a == b;
        }
    }

    private static string Describe(Op op) => $"{op.Action} {op.Kind} {op.Account} {op.Key} (#{op.Id}, front end {op.FrontEnd})";

    /// <summary>The account kinds with reservations, for reports.</summary>
    public static IReadOnlyList<string> AccountKinds => Kinds;
}
