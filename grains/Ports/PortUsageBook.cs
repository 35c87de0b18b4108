using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;

namespace Metering.Grains.Ports;

/// <summary>
/// A port's committed usage per UTC day and feature for the last <see cref="Limits.PortUsageWindowDays"/>
/// days, in memory: any period's usage is a sum over at most 31 days, computed when asked. Holds
/// at most <see cref="Limits.MaxFeaturesPerPort"/> features. Not thread-safe: owned by its ledger.
/// </summary>
internal sealed class PortUsageBook
{
    private readonly Dictionary<(DateOnly Day, string Feature), (long Tokens, long Calls)> _cells = [];
    private readonly Dictionary<DateOnly, long> _dayTokens = [];
    private readonly Dictionary<string, int> _featureDays = new(StringComparer.Ordinal);

    private DateOnly _keptFrom = DateOnly.MinValue;

    public int Features => _featureDays.Count;

    public bool Knows(string feature) => _featureDays.ContainsKey(feature);

    /// <summary>Adds tokens and calls to a cell (used by loading and by staged operations alike).</summary>
    public void Add(DateOnly day, string feature, long tokens, long calls)
    {
        var key = (day, feature);
        if (_cells.TryGetValue(key, out var cell))
        {
            _cells[key] = (cell.Tokens + tokens, cell.Calls + calls);
        }
        else
        {
            _cells[key] = (tokens, calls);
            _featureDays[feature] = _featureDays.GetValueOrDefault(feature) + 1;
        }

        _dayTokens[day] = _dayTokens.GetValueOrDefault(day) + tokens;
    }

    /// <summary>Committed tokens on days from <paramref name="from"/> on, all features.</summary>
    public long Used(DateOnly from) => _dayTokens.Where(d => d.Key >= from).Sum(d => d.Value);

    /// <summary>Committed tokens on days from <paramref name="from"/> on, one feature.</summary>
    public long UsedFor(DateOnly from, string feature) =>
        _cells.Where(c => c.Key.Day >= from && c.Key.Feature == feature).Sum(c => c.Value.Tokens);

    /// <summary>Tokens and calls per feature from <paramref name="from"/> on, ordered by feature.</summary>
    public IReadOnlyList<PortFeatureUsage> Breakdown(DateOnly from) =>
        [.. _cells.Where(c => c.Key.Day >= from)
            .GroupBy(c => c.Key.Feature, StringComparer.Ordinal)
            .Select(g => new PortFeatureUsage(g.Key, g.Sum(c => c.Value.Tokens), g.Sum(c => c.Value.Calls)))
            .OrderBy(f => f.Feature, StringComparer.Ordinal)];

    /// <summary>Forgets days before <paramref name="oldest"/> (they stay in PostgreSQL). Cheap when nothing is due.</summary>
    public void Prune(DateOnly oldest)
    {
        if (oldest <= _keptFrom)
        {
            return;
        }

        _keptFrom = oldest;
        foreach (var key in _cells.Keys.Where(k => k.Day < oldest).ToList())
        {
            _cells.Remove(key);
            int days = _featureDays[key.Feature] - 1;
            if (days == 0)
            {
                _featureDays.Remove(key.Feature);
            }
            else
            {
                _featureDays[key.Feature] = days;
            }
        }

        foreach (var day in _dayTokens.Keys.Where(d => d < oldest).ToList())
        {
            _dayTokens.Remove(day);
        }
    }
}
