using Metering.GrainInterfaces.Common;

namespace Metering.Grains.Engine;

/// <summary>
/// What the synchronous step of a commit or release found, shared by every account kind:
/// an outcome to answer at once (not found, not open), an earlier answer to replay, or the open
/// (or expired) hold to settle.
/// </summary>
internal sealed record SettleCheck<TDetail>(Outcome? Refusal, Remembered? Earlier, Hold<TDetail>? Hold);
