using Metering.ClientApi.Problems;

namespace Metering.ClientApi.Hosting;

/// <summary>
/// Turns what escapes an endpoint into a problem answer: cluster faults (silo gone, timeout) are
/// 503 <c>unavailable</c> (nothing was acknowledged); the framework's bare status codes (405, 413,
/// ...) get a problem body; anything else is a logged 500, never a silent one.
/// </summary>
internal sealed partial class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException error) when (!http.Response.HasStarted)
        {
            await ApiProblems.FromStatus(error.StatusCode).ExecuteAsync(http);
            return;
        }
        catch (Exception error) when (!http.Response.HasStarted && IsClusterFault(error))
        {
            LogClusterFault(logger, http.Request.Path, error);
            await ApiProblems.Unavailable("the cluster did not answer; nothing was acknowledged, retry is safe").ExecuteAsync(http);
            return;
        }
        catch (Exception error) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, http.Request.Path, error);
            await ApiProblems.FromStatus(500).ExecuteAsync(http);
            return;
        }

        if (http.Response is { HasStarted: false, StatusCode: >= 400 } response && response.ContentType is null)
        {
            await ApiProblems.FromStatus(response.StatusCode).ExecuteAsync(http);
        }
    }

    private static bool IsClusterFault(Exception error) =>
        error is TimeoutException or OrleansException or OperationCanceledException
        || error.GetType().Namespace?.StartsWith("Orleans", StringComparison.Ordinal) == true;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster fault on {Path}; answered 503")]
    private static partial void LogClusterFault(ILogger logger, string path, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error on {Path}; answered 500")]
    private static partial void LogUnexpected(ILogger logger, string path, Exception error);
}
