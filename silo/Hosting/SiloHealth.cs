using Npgsql;
using Metering.Grains.Storage;

namespace Metering.Silo.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is alive. <c>/readyz</c>: this silo is an active cluster member and
/// PostgreSQL answers with durable commits on.
/// </summary>
public static class SiloHealth
{
    public static void MapSiloHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (IClusterMembershipService membership, ILocalSiloDetails local, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var self = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
            if (self != SiloStatus.Active)
            {
                return Results.Text($"silo is {self}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                await SchemaMigrator.RequireDurableCommitsAsync(conn, ct);
            }
            catch (Exception error) when (error is NpgsqlException or InvalidOperationException)
            {
                return Results.Text($"PostgreSQL: {error.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            return Results.Text("ready\n");
        });
    }
}
