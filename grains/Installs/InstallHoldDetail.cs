using Metering.GrainInterfaces.Installs;

namespace Metering.Grains.Installs;

/// <summary>What an install hold remembers besides its amount (stored as the hold's detail JSON).</summary>
/// <param name="Backend">The backend chosen at reserve.</param>
/// <param name="CommittedBackend">The backend the commit said served; null until committed.</param>
internal sealed record InstallHoldDetail(Tier Tier, bool HasHardware, Backend Backend, Backend? CommittedBackend = null);
