using Metering.GrainInterfaces.Ports;

namespace Metering.Grains.Storage;

/// <summary>A budget change to append to <c>port_budget_change</c>, staged with the new budget.</summary>
internal sealed record PortBudgetChange(long Sequence, PortBudget Budget, string ChangedBy, DateTimeOffset At) : SideRow;
