using Metering.GrainInterfaces.Usage;
using Metering.Grains.Storage;
using Npgsql;

namespace Metering.Grains.Usage;

/// <summary>
/// Writes events and their rollups in one statement, one transaction: the events are inserted
/// with ON CONFLICT DO NOTHING, and only those actually inserted are summed into the rollups.
/// Rows are sorted by key so concurrent writers lock in the same order (no deadlocks between
/// them), and by position within a key so that of two copies in one flush the first is the one
/// stored (the one answered "recorded"); a deadlock or serialization failure is retried, since
/// the whole write is atomic.
/// </summary>
internal sealed class UsageEventStore(LedgerStore ledger)
{
    private const int Attempts = 3;

    private const string IngestSql =
        "WITH input AS (" +
        "  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[], $6::bigint[], $7::numeric[]) " +
        "    WITH ORDINALITY AS u(tenant_id, gateway_request_id, deployment_id, occurred_at, input_tokens, output_tokens, customer_charge, position)), " +
        "ins AS (" +
        "  INSERT INTO usage_event (tenant_id, gateway_request_id, deployment_id, occurred_at, input_tokens, output_tokens, customer_charge, received_at) " +
        "  SELECT tenant_id, gateway_request_id, deployment_id, occurred_at, input_tokens, output_tokens, customer_charge, $8 FROM input " +
        "  ORDER BY tenant_id, gateway_request_id, position " +
        "  ON CONFLICT DO NOTHING " +
        "  RETURNING tenant_id, gateway_request_id, deployment_id, occurred_at, input_tokens, output_tokens, customer_charge), " +
        "rollup AS (" +
        "  INSERT INTO usage_rollup_day AS r (tenant_id, day, deployment_id, input_tokens, output_tokens, requests, customer_charge) " +
        "  SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date, deployment_id, sum(input_tokens), sum(output_tokens), count(*), sum(customer_charge) " +
        "  FROM ins GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 " +
        "  ON CONFLICT (tenant_id, day, deployment_id) DO UPDATE SET " +
        "    input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens, " +
        "    requests = r.requests + excluded.requests, customer_charge = r.customer_charge + excluded.customer_charge) " +
        "SELECT tenant_id, gateway_request_id FROM ins";

    /// <summary>Stores the events; returns the (tenant, gatewayRequestId) keys that were new.</summary>
    public async Task<HashSet<(string Tenant, string Key)>> InsertAsync(IReadOnlyList<UsageEvent> events, DateTimeOffset receivedAt)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await InsertOnceAsync(events, receivedAt);
            }
            catch (PostgresException error) when (attempt < Attempts && error.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // The transaction rolled back whole: trying again is safe.
            }
        }
    }

    /// <remarks>
    /// In an explicit transaction, committed before the keys are returned: a statement's implicit
    /// commit is not always reported back (a timeout while reading its result leaves the caller
    /// not knowing), and a "recorded" must never be answered for events that were not committed.
    /// </remarks>
    private async Task<HashSet<(string, string)>> InsertOnceAsync(IReadOnlyList<UsageEvent> events, DateTimeOffset receivedAt)
    {
        await using var conn = await ledger.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand(IngestSql, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.TenantId)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.GatewayRequestId)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.DeploymentId)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. events.Select(e => e.OccurredAt.ToUniversalTime())] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. events.Select(e => e.InputTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. events.Select(e => e.OutputTokens)] });
        cmd.Parameters.Add(new NpgsqlParameter<decimal[]> { TypedValue = [.. events.Select(e => e.CustomerCharge)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = receivedAt });
        var inserted = new HashSet<(string, string)>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                inserted.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        await tx.CommitAsync();
        return inserted;
    }
}
