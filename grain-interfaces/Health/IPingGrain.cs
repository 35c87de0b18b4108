namespace Metering.GrainInterfaces.Health;

/// <summary>
/// Answers at once, touching no storage: a front end's readiness asks it to know that a silo of
/// the cluster answers, whatever PostgreSQL's state. A stateless worker, so any silo answers.
/// </summary>
[Alias("Metering.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    /// <summary>Completes when a silo ran the call.</summary>
    [Alias("Ping")]
    Task Ping();
}
