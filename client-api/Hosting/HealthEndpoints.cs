using Metering.GrainInterfaces.Health;

namespace Metering.ClientApi.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is alive. <c>/readyz</c>: the front end reaches the cluster (a silo
/// answers a ping that touches no storage). It does not ask PostgreSQL (API.md): while the database is
/// down a front end stays in its Service and answers each request with a <c>503</c> problem, so
/// relays meet an answer, never a closed port. The silos' own readiness covers PostgreSQL.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n")).ExcludeFromDescription();
        app.MapGet("/readyz", async (IGrainFactory grains, CancellationToken ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                await grains.GetGrain<IPingGrain>(0).Ping().WaitAsync(timeout.Token);
                return Results.Text("ready\n");
            }
            catch (Exception error)
            {
                return Results.Text($"cluster: {error.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).ExcludeFromDescription();
    }
}
