using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>A journal entry kept in memory, with the task that completes once it is durable.</summary>
internal sealed record Remembered(JournalEntry Entry, Task Durable);
