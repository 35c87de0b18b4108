namespace Metering.Faults.Load;

/// <summary>
/// One HTTP operation of the run as the history records it: what was sent, to which front end,
/// when, and what came back. Completed once by <see cref="Complete"/>; read after the run.
/// </summary>
internal sealed class Op(long id, string kind, string account, string action, string key, HttpMethod method, string path, string? body, int frontEnd, DateTime invokedAt)
{
    public long Id { get; } = id;

    /// <summary>install, pool, port or tenant.</summary>
    public string Kind { get; } = kind;

    public string Account { get; } = account;

    /// <summary>reserve, commit, release, usage (free or port usage), event, batch, probe.</summary>
    public string Action { get; } = action;

    /// <summary>The idempotency key (requestId or gatewayRequestId; the first event's for a batch).</summary>
    public string Key { get; } = key;

    public HttpMethod Method { get; } = method;

    public string Path { get; } = path;

    public string? Body { get; } = body;

    /// <summary>Which front end (0 or 1) it was sent to.</summary>
    public int FrontEnd { get; } = frontEnd;

    public DateTime InvokedAt { get; } = invokedAt;

    public DateTime CompletedAt { get; private set; }

    public OpOutcome Outcome { get; private set; } = OpOutcome.Invoked;

    /// <summary>The HTTP status, or 0 when no answer came.</summary>
    public int Status { get; private set; }

    /// <summary>The answer's body (problem or result), or the error when no answer came.</summary>
    public string Response { get; private set; } = "";

    public void Complete(OpOutcome outcome, int status, string response, DateTime at)
    {
        Outcome = outcome;
        Status = status;
        Response = response;
        CompletedAt = at;
    }
}
