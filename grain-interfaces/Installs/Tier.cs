namespace Metering.GrainInterfaces.Installs;

/// <summary>The plan of an install. The tier named in a reservation becomes the install's tier.</summary>
[GenerateSerializer, Alias("Metering.Tier")]
public enum Tier
{
    /// <summary>Lifetime credits by default.</summary>
    Core = 0,

    /// <summary>Monthly credits by default.</summary>
    Pro = 1,

    /// <summary>Unlimited monthly by default.</summary>
    Max = 2,
}
