namespace Metering.GrainInterfaces.Installs;

/// <summary>Where a relay runs a call.</summary>
[GenerateSerializer, Alias("Metering.Backend")]
public enum Backend
{
    /// <summary>The gemini backend, counted against the tier's gemini cap when it has one.</summary>
    Gemini = 0,

    /// <summary>The relay's own hardware, used once the gemini cap is reached.</summary>
    Hardware = 1,
}
