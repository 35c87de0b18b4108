namespace Metering.Grains.Engine;

/// <summary>A broken engine invariant. Never crosses a grain call: grains map it to Unavailable.</summary>
internal sealed class InvariantViolationException(string message) : Exception(message);
