namespace Metering.Grains.Engine;

/// <summary>
/// A flush did not commit, or the account's queue is full. Everything staged with it failed;
/// nothing was acknowledged. Grains map it to <see cref="GrainInterfaces.Common.Outcome.Unavailable"/>.
/// </summary>
internal sealed class LedgerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
