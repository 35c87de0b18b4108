namespace Metering.Grains.Engine;

/// <summary>
/// Always-on checks of the engine's own assumptions (never compiled out, unlike Debug.Assert).
/// A failed check means memory can no longer be trusted: the grain drops its state, deactivates
/// and the next call reloads from PostgreSQL.
/// </summary>
internal static class Invariant
{
    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvariantViolationException(message);
        }
    }
}
