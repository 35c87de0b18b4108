using Metering.GrainInterfaces.Usage;
using Npgsql;

namespace Metering.Bench;

/// <summary>
/// The baseline: plain SQL, one event per transaction, as a front end without grains would write
/// it. One statement in its own (implicit) transaction inserts the event with ON CONFLICT DO
/// NOTHING and, only if it was new, adds it to its day's rollup row: the same effect as
/// UsageEventStore's statement for a batch of one. Given every advantage plain SQL can have: one
/// round trip per event, a prepared statement, a pool with one connection per caller.
/// </summary>
internal sealed class RowPerTransactionWriter : IAsyncDisposable
{
    private const string InsertSql =
        "WITH ins AS (" +
        "  INSERT INTO usage_event (tenant_id, gateway_request_id, deployment_id, occurred_at, input_tokens, output_tokens, customer_charge, received_at) " +
        "  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) " +
        "  ON CONFLICT DO NOTHING " +
        "  RETURNING tenant_id, deployment_id, occurred_at, input_tokens, output_tokens, customer_charge) " +
        "INSERT INTO usage_rollup_day AS r (tenant_id, day, deployment_id, input_tokens, output_tokens, requests, customer_charge) " +
        "SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date, deployment_id, input_tokens, output_tokens, 1, customer_charge FROM ins " +
        "ON CONFLICT (tenant_id, day, deployment_id) DO UPDATE SET " +
        "  input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens, " +
        "  requests = r.requests + excluded.requests, customer_charge = r.customer_charge + excluded.customer_charge";

    private readonly NpgsqlDataSource _db;

    public RowPerTransactionWriter(string connectionString, int connections)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = connections,
            MinPoolSize = 0,
            MaxAutoPrepare = 4,
        };
        _db = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Writes one event in one transaction.</summary>
    public async Task WriteAsync(UsageEvent e, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand(InsertSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.TenantId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.GatewayRequestId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.DeploymentId });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = e.OccurredAt.ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.InputTokens });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.OutputTokens });
        cmd.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = e.CustomerCharge });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow });
        int rollups = await cmd.ExecuteNonQueryAsync(ct);
        if (rollups != 1)
        {
            throw new InvalidOperationException($"the baseline wrote {rollups} rollup rows for a new event, expected 1");
        }
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
