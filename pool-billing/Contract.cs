using Metering.GrainInterfaces.Common;

namespace Metering.PoolBilling;

/// <summary>Checks that the pool grain kept its contract; a breach is a bug, not an operating error.</summary>
internal static class Contract
{
    /// <summary>The value the contract promises with this outcome.</summary>
    public static T Expect<T>(T? value, string what, Outcome outcome)
        where T : class
        => value ?? throw new InvalidOperationException($"The pool grain answered {outcome} without {what}: the pool contract was broken.");

    /// <summary>An outcome the contract does not allow for this operation.</summary>
    public static InvalidOperationException Unexpected(string operation, Outcome outcome)
        => new($"The pool grain answered {outcome} to {operation}, which the pool contract does not allow.");
}
