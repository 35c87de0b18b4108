using Npgsql;

namespace Metering.Bench;

/// <summary>The PostgreSQL settings that decide the figures, read from the running server.</summary>
internal sealed record ServerFacts(
    string Version,
    string Fsync,
    string FullPageWrites,
    string SynchronousCommit,
    string SharedBuffers,
    string MaxConnections,
    int PoolSize)
{
    public bool Durable => Fsync == "on" && FullPageWrites == "on" && SynchronousCommit != "off";

    public string Describe() =>
        $"{(Durable ? "durable" : "fast (NOT durable)")}: fsync = {Fsync}, full_page_writes = {FullPageWrites}, " +
        $"synchronous_commit = {SynchronousCommit}, shared_buffers = {SharedBuffers}, max_connections = {MaxConnections}";

    /// <param name="poolSize">The silo's Maximum Pool Size, for the report.</param>
    public static async Task<ServerFacts> ReadAsync(NpgsqlDataSource db, int poolSize, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        async Task<string> Show(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            return (string?)await cmd.ExecuteScalarAsync(ct) ?? "?";
        }

        return new ServerFacts(
            await Show("SHOW server_version"),
            await Show("SHOW fsync"),
            await Show("SHOW full_page_writes"),
            await Show("SHOW synchronous_commit"),
            await Show("SHOW shared_buffers"),
            await Show("SHOW max_connections"),
            poolSize);
    }
}
