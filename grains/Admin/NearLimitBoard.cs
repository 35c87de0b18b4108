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
/// Bounded: at most <see cref="Limits.NearLimitsTracked"/> accounts; when full, a new account
/// takes the place of the emptiest only when it is fuller (an entry whose period ended counts as
/// empty). Accounts with no usage are not kept. Periods end on the ledger's clock, the one the
/// readings were taken on. Thread-safe: grains on every thread tell it.
/// </para>
/// </summary>
internal sealed class NearLimitBoard(LedgerClock clock)
{
    private readonly Dictionary<(string Kind, string Id), NearLimit> _entries = [];
    private readonly Lock _gate = new();

    // The emptiest kept fraction while the board is full (else -1), valid until the first kept
    // period ends: a reading at or below it cannot enter, which is the common case on a busy
    // silo, and needs no scan.
    private double _floor = -1;
    private DateTimeOffset _floorUntil = DateTimeOffset.MaxValue;

    /// <summary>Records an account's reading; null (no limit any more) or no usage takes it off the board.</summary>
    public void Tell(string kind, string id, NearLimit? reading)
    {
        var key = (kind, id);
        var now = clock.Time.GetUtcNow();
        lock (_gate)
        {
            if (reading is null || reading.Used <= 0)
            {
                if (_entries.Remove(key))
                {
                    _floor = -1;
                }

                return;
            }

            if (!_entries.ContainsKey(key) && _entries.Count >= Limits.NearLimitsTracked)
            {
                if (now >= _floorUntil || _floor < 0)
                {
                    Refloor(now);
                }

                if (reading.Fraction <= _floor)
                {
                    return;
                }

                _entries.Remove(_entries.MinBy(e => Effective(e.Value, now)).Key);
            }

            _entries[key] = reading;
            _floor = -1;
        }
    }
    /// <summary>Takes every account of <paramref name="kind"/> off the board (their limits changed; each is told again at its next change).</summary>
    public void ForgetKind(string kind)
    {
        lock (_gate)
        {
            foreach (var key in _entries.Keys.Where(k => k.Kind == kind).ToList())
            {
                _entries.Remove(key);
            }

            _floor = -1;
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
