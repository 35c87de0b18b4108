namespace Metering.Faults.Load;

/// <summary>How one operation ended, as a relay sees it.</summary>
internal enum OpOutcome
{
    /// <summary>Sent, no answer yet (only while the run goes on).</summary>
    Invoked,

    /// <summary>2xx: acknowledged, so durable (API.md rule 4).</summary>
    Ok,

    /// <summary>A definite 4xx answer (402, 404, 409, 429...): nothing changed.</summary>
    Refused,

    /// <summary>Never reached a front end (connection refused): certainly not applied.</summary>
    Failed,

    /// <summary>503, another 5xx, a timeout or a broken connection: applied once or not at all, to be settled by the check.</summary>
    Unknown,
}
