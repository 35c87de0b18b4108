using Metering.GrainInterfaces.Ports;

namespace Metering.Grains.Ports;

/// <summary>
/// The stored state of one port: its budget and the sequence number of its last budget change.
/// Usage lives in <c>port_usage_day</c> (see <see cref="PortUsageBook"/>), not here, so each
/// flush writes a small row whatever the number of features.
/// </summary>
internal sealed record PortAccount(PortBudget Budget, long BudgetChanges, DateTimeOffset? LastActiveAt)
{
    public static PortAccount Blank { get; } = new(PortBudget.Default, 0, null);
}
