namespace Metering.Faults.Load;

/// <summary>
/// Lets at most <c>perSecond</c> operations start each second (a token bucket refilled every
/// 50 ms, holding at most one refill), for the soak run's steady load. Null rate: no limit.
/// </summary>
internal sealed class RateGate : IDisposable
{
    private readonly SemaphoreSlim _permits = new(0, int.MaxValue);
    private readonly Timer? _refill;
    private readonly int _perTick;

    public RateGate(double? perSecond)
    {
        if (perSecond is { } rate)
        {
            _perTick = Math.Max(1, (int)Math.Round(rate / 20));
            _refill = new Timer(_ => Refill(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
        }
    }

    public Task WaitAsync(CancellationToken stop) => _refill is null ? Task.CompletedTask : _permits.WaitAsync(stop);

    private void Refill()
    {
        int room = _perTick - _permits.CurrentCount;
        if (room > 0)
        {
            _permits.Release(room);
        }
    }

    public void Dispose()
    {
        _refill?.Dispose();
        _permits.Dispose();
    }
}
