using Metering.Grains.Retention;

namespace Metering.Bench;

/// <summary>The retention benchmark's results.</summary>
/// <param name="Days">Simulated days filled before the first clean-up.</param>
/// <param name="SteadyDays">Simulated days filled after it, each followed by a clean-up and a VACUUM.</param>
/// <param name="Fill">Wall time of filling the first <paramref name="Days"/> days.</param>
/// <param name="Before">Tables after the fill, before any clean-up.</param>
/// <param name="CatchUp">The first clean-up: every day but the retained ones at once.</param>
/// <param name="AfterCatchUp">Tables after that clean-up and a VACUUM.</param>
/// <param name="Daily">The clean-ups of the steady days.</param>
/// <param name="Steady">Tables after the steady days.</param>
/// <param name="IndexBytes">The sizes of the indexes migration 0007 adds, after the steady days.</param>
internal sealed record RetentionFigures(
    int Days,
    int SteadyDays,
    int KeysPerDay,
    int EventsPerDay,
    int Accounts,
    RetentionSettings Settings,
    TimeSpan Fill,
    IReadOnlyList<TableSize> Before,
    RetentionRun CatchUp,
    IReadOnlyList<TableSize> AfterCatchUp,
    IReadOnlyList<RetentionRun> Daily,
    IReadOnlyList<TableSize> Steady,
    IReadOnlyDictionary<string, long> IndexBytes);
