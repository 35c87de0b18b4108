using Metering.Grains.Engine;
using Npgsql;

namespace Metering.Grains.Pools;

/// <summary>The pool account kind, for the engine: its audit rows go in the flush's transaction.</summary>
internal sealed class PoolLedgerKind : LedgerKind<PoolAccount, PoolHoldDetail>
{
    private const string InsertAuditSql =
        "INSERT INTO pool_audit (pool_id, seq, request_id, billed, usage_type, prompt_tokens, completion_tokens, " +
        "total_tokens, cost_micros, model, call_details, at) " +
        "SELECT $1, s, r, b, u, p, c, t, m, mo, d::jsonb, a FROM unnest(" +
        "$2::bigint[], $3::text[], $4::boolean[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], " +
        "$10::text[], $11::text[], $12::timestamptz[]) AS u(s, r, b, u, p, c, t, m, mo, d, a)";

    public static PoolLedgerKind Instance { get; } = new();

    public override string Name => AccountKinds.Pool;

    public override PoolAccount Blank(string accountId, DateTimeOffset now) => PoolAccount.Blank;

    public override void CheckInvariants(PoolAccount account)
    {
        Invariant.Require(account.LimitMicros is >= 0 and <= PoolRules.MaxLimitMicros, "a pool limit is out of range");
        Invariant.Require(account.UsedMicros >= 0, "a pool's use is negative");
        Invariant.Require(account.AuditSequence >= 0, "a pool's audit sequence is negative");
    }

    public override IEnumerable<NpgsqlBatchCommand> ExtraCommands(string accountId, IReadOnlyList<object> extras)
    {
        var rows = extras.Cast<PoolAuditRow>().Select(r => r.Record).ToList();
        var cmd = new NpgsqlBatchCommand(InsertAuditSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Sequence)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.RequestId)] });
        cmd.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Billed)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.UsageType)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.PromptTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.CompletionTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.TotalTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.CostMicros)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Model)] });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => (object?)r.CallDetails ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. rows.Select(r => r.At)] });
        yield return cmd;
    }
}
