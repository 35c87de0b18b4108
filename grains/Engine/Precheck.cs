using Metering.GrainInterfaces.Common;

namespace Metering.Grains.Engine;

/// <summary>
/// What the first checks of a reserve, commit or release found, shared by every account kind:
/// an outcome to answer at once (not found, not open, unavailable, too many holds), an earlier
/// answer to replay, or (for commit and release) the open
/// (or expired) hold to settle.
/// </summary>
internal sealed record Precheck<TDetail>(Outcome? Refusal, Remembered? Earlier, Hold<TDetail>? Hold);
