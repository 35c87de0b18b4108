using Metering.GrainInterfaces.Admin;
using Metering.GrainInterfaces.Common;
using Metering.Grains.Time;

namespace Metering.Grains.Admin;

/// <summary>
/// This silo's accounts nearest their limits, told by the account grains themselves after each
/// durable change and at load (<see cref="Engine.LedgerGrain{TAccount, TDetail, TSide}"/>), and
/// reported to the overview with the silo's activity.
/// <para>
/// Why in memory and not an index over the account rows: an index ordered by usage changes with
/// every flush, which costs each account write an index entry (and PostgreSQL's in-page update),
/// while the grains already know their fill for free. What it cannot know: accounts no silo has
/// loaded since it started. An account is listed from its first call after a restart on.
/// </para>
/// <para>
/// An account leaves the board when its grain deactivates or drops its ledger (a failed write:
/// what it last told may not be durable), so the board holds accounts active on this silo and
/// never a figure another silo has moved on from. Bounded: at most
/// <see cref="Limits.NearLimitsTracked"/> accounts; when full, a new account takes the place of
/// the emptiest only when it is fuller (an entry whose period ended counts as empty). Accounts
/// with no usage are not kept. Periods end on the ledger's clock, the one the
/// readings were taken on. Thread-safe: grains on every thread tell it.
/// </para>
/// </summary>
internal sealed class NearLimitBoard(LedgerClock clock)
{
    private readonly Dictionary<(string Kind, string Id), NearLimit> _entries = [];
    private readonly Dictionary<string, long> _generations = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // A lower bound of the emptiest kept fraction, valid before _floorUntil (the first end of a
    // kept period): while the board is full, a new reading at or below it cannot enter and is
    // turned away without a scan, the common case on a busy silo. Lowered by every reading kept,
    // made exact by each scan; -1 until the first scan.
    private double _floor = -1;
    private DateTimeOffset _floorUntil = DateTimeOffset.MaxValue;

    /// <summary>
    /// The generation of <paramref name="kind"/>'s limits: read it before computing a reading, and
    /// a reading computed before <see cref="ForgetKind"/> (with the limits it changed) is dropped.
    /// </summary>
    public long Generation(string kind)
    {
        lock (_gate)
        {
            return _generations.GetValueOrDefault(kind);
        }
    }

    /// <summary>
    /// Records an account's reading, computed in <paramref name="generation"/> of its kind's
    /// limits; null (no limit any more) or no usage takes it off the board.
    /// </summary>
    public void Tell(string kind, string id, NearLimit? reading, long generation)
    {
        var key = (kind, id);
        var now = clock.Time.GetUtcNow();
        lock (_gate)
        {
            if (reading is null || reading.Used <= 0)
            {
                _entries.Remove(key);
                return;
            }

            if (generation != _generations.GetValueOrDefault(kind))
            {
                return;
            }

            if (!_entries.ContainsKey(key) && _entries.Count >= Limits.NearLimitsTracked)
            {
                if (now < _floorUntil && reading.Fraction <= _floor)
                {
                    return;
                }

                var emptiest = _entries.MinBy(e => Effective(e.Value, now));
                if (reading.Fraction <= Effective(emptiest.Value, now))
                {
                    Refloor(now);
                    return;
                }

                _entries.Remove(emptiest.Key);
            }

            _entries[key] = reading;
            _floor = Math.Min(_floor, reading.Fraction);
            if (reading.ResetsAt is { } end && end < _floorUntil)
            {
                _floorUntil = end;
            }
        }
    }

    /// <summary>Takes one account off the board (its grain deactivates, or its ledger was dropped).</summary>
    public void Forget(string kind, string id)
    {
        lock (_gate)
        {
            _entries.Remove((kind, id));
        }
    }

    /// <summary>
    /// Takes every account of <paramref name="kind"/> off the board and starts a new generation:
    /// their limits changed, and each is told again at its next change with the new ones.
    /// </summary>
    public void ForgetKind(string kind)
    {
        lock (_gate)
        {
            _generations[kind] = _generations.GetValueOrDefault(kind) + 1;
            foreach (var key in _entries.Keys.Where(k => k.Kind == kind).ToList())
            {
                _entries.Remove(key);
            }
        }
    }

    /// <summary>The readings whose period has not ended, fullest first.</summary>
    public IReadOnlyList<NearLimit> Snapshot()
    {
        var now = clock.Time.GetUtcNow();
        lock (_gate)
        {
            return [.. Fullest(_entries.Values.Where(e => e.CountsAt(now)))];
        }
    }

    /// <summary>
    /// The cluster's nearest limits from every silo's report: the newest reading of each account
    /// (it may have moved between silos), unless its period has ended, fullest first, at most
    /// <paramref name="count"/>.
    /// </summary>
    public static List<NearLimit> Merge(IEnumerable<NearLimit> reported, DateTimeOffset now, int count) =>
        [.. Fullest(reported
                .GroupBy(n => (n.Kind, n.Id))
                .Select(g => g.MaxBy(n => n.At)!)
                .Where(n => n.CountsAt(now)))
            .Take(count)];

    /// <summary>The order every list of readings is shown in: fullest first, then by kind and id so ties are stable.</summary>
    public static IEnumerable<NearLimit> Fullest(IEnumerable<NearLimit> readings) =>
        readings.OrderByDescending(r => r.Fraction).ThenBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal);

    private static double Effective(NearLimit reading, DateTimeOffset now) => reading.CountsAt(now) ? reading.Fraction : -1;

    private void Refloor(DateTimeOffset now)
    {
        _floor = _entries.Values.Min(e => Effective(e, now));
        _floorUntil = _entries.Values.Where(e => e.CountsAt(now)).Min(e => e.ResetsAt) ?? DateTimeOffset.MaxValue;
    }
}
