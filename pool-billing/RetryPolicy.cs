using Metering.GrainInterfaces.Common;

namespace Metering.PoolBilling;

/// <summary>
/// How the helper tries one grain call: at most <see cref="MaxAttempts"/> times, the same request
/// each time, again only when the pool answered <see cref="Outcome.Unavailable"/> (nothing was
/// acknowledged) or the call threw (a timeout, a lost connection: it may have landed, and the
/// request id makes a repeat answer the first answer instead of acting twice).
/// </summary>
/// <param name="delay">Waits between tries; the tests record it instead of sleeping.</param>
internal sealed class RetryPolicy(Func<TimeSpan, Task> delay)
{
    /// <summary>
    /// Most tries of one grain call. An <c>Unavailable</c> from a full write queue clears within a
    /// flush (milliseconds); one from PostgreSQL or the cluster being down lasts seconds or more,
    /// and the caller is better told than kept waiting. Three tries cover the first, not the second.
    /// </summary>
    public const int MaxAttempts = 3;

    /// <summary>The wait before the second and the third try: short, because a caller waits on it (400 ms in all).</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)];

    /// <summary>Real waits.</summary>
    public static RetryPolicy Default { get; } = new(static wait => Task.Delay(wait));

    /// <summary>Tries <paramref name="call"/>; never throws, whatever the call does.</summary>
    public async Task<Attempt<T>> RunAsync<T>(Func<Task<T>> call, Func<T, Outcome> outcome)
        where T : class
    {
        bool uncertain = false;
        for (int attempt = 1; ; attempt++)
        {
            Attempt<T> last;
            try
            {
                T answer = await call();
                last = new(answer, null, uncertain);
                if (outcome(answer) != Outcome.Unavailable)
                {
                    return last;
                }
            }
            catch (Exception e)
            {
                uncertain = true;
                last = new(null, e, uncertain);
            }

            if (attempt == MaxAttempts)
            {
                return last;
            }

            await delay(Backoff[attempt - 1]);
        }
    }
}
