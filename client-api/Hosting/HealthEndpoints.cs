using Metering.GrainInterfaces.Installs;
using Npgsql;

namespace Metering.ClientApi.Hosting;

/// <summary><c>/healthz</c>: alive. <c>/readyz</c>: a grain answers and PostgreSQL answers.</summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n")).ExcludeFromDescription();
        app.MapGet("/readyz", async (IServiceProvider services, IGrainFactory grains, CancellationToken ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                await grains.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key).Get().WaitAsync(timeout.Token);
            }
            catch (Exception error)
            {
                return Results.Text($"cluster: {error.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            if (services.GetService<NpgsqlDataSource>() is { } db)
            {
                try
                {
                    await using var cmd = db.CreateCommand("SELECT 1");
                    await cmd.ExecuteScalarAsync(timeout.Token);
                }
                catch (Exception error)
                {
                    return Results.Text($"PostgreSQL: {error.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
                }
            }

            return Results.Text("ready\n");
        }).ExcludeFromDescription();
    }
}
