using Metering.GrainInterfaces.Common;

namespace Metering.PoolBilling;

/// <summary>
/// How the helper tries one grain call: the same request each time, again only when the pool
/// answered <see cref="Outcome.Unavailable"/> (nothing was acknowledged) or the call threw (a
/// timeout, a lost connection: it may have landed, and the request id makes a repeat answer the
/// first answer instead of acting twice). Stateless and thread-safe.
/// </summary>
/// <param name="options">The waits and bounds; checked by <see cref="PoolBillingClient"/>.</param>
/// <param name="time">The clock the commit's retry time is measured on.</param>
/// <param name="delay">Waits between tries; real waits on <paramref name="time"/>, recorded (and the fake clock moved) by the tests.</param>
internal sealed class RetryPolicy(PoolBillingOptions options, TimeProvider time, Func<TimeSpan, Task> delay)
{
    /// <summary>The settings this policy applies.</summary>
    public PoolBillingOptions Options => options;

    /// <summary>Real waits of <paramref name="options"/> on <paramref name="time"/>.</summary>
    public static RetryPolicy For(PoolBillingOptions options, TimeProvider time)
        => new(options, time, wait => Task.Delay(wait, time));

    /// <summary>
    /// Tries <paramref name="call"/> at most once more than <see cref="PoolBillingOptions.RequestBackoff"/>
    /// has waits (reserve, release, free usage); never throws, whatever the call does, except
    /// <see cref="PoolAccessDeniedException"/> (a configuration error no retry can mend).
    /// </summary>
    public async Task<Attempt<T>> RunAsync<T>(Func<Task<T>> call, Func<T, Outcome> outcome)
        where T : class
    {
        var backoff = options.RequestBackoff;
        bool uncertain = false;
        for (int tries = 1; ; tries++)
        {
            var last = await TryAsync(call, uncertain, tries);
            uncertain = last.Uncertain;
            if (!WorthRetrying(last, outcome) || tries > backoff.Length)
            {
                return last;
            }

            await delay(backoff[tries - 1]);
        }
    }

    /// <summary>
    /// Tries <paramref name="call"/> until it answers something other than <c>Unavailable</c>, or
    /// <paramref name="retryTime"/> has passed on the clock since the first try (a commit: the call
    /// ran, its cost must be recorded). Waits <see cref="PoolBillingOptions.CommitInitialBackoff"/>,
    /// doubling up to <see cref="PoolBillingOptions.CommitMaxBackoff"/>; the last wait is cut so
    /// that a last try is made at the bound. Never throws, whatever the call does, except
    /// <see cref="PoolAccessDeniedException"/>.
    /// </summary>
    public async Task<Attempt<T>> RunUntilAsync<T>(Func<Task<T>> call, Func<T, Outcome> outcome, TimeSpan retryTime)
        where T : class
    {
        long start = time.GetTimestamp();
        var wait = options.CommitInitialBackoff;
        bool uncertain = false;
        for (int tries = 1; ; tries++)
        {
            var last = await TryAsync(call, uncertain, tries);
            uncertain = last.Uncertain;

            // Measured on the clock, not summed from the waits: a try that throws may itself take
            // the client's whole response timeout.
            var left = retryTime - time.GetElapsedTime(start);
            if (!WorthRetrying(last, outcome) || left <= TimeSpan.Zero)
            {
                return last;
            }

            await delay(wait < left ? wait : left);
            wait = Doubled(wait, options.CommitMaxBackoff);
        }
    }

    private static async Task<Attempt<T>> TryAsync<T>(Func<Task<T>> call, bool uncertain, int tries)
        where T : class
    {
        try
        {
            return new(await call(), null, uncertain, tries);
        }
        catch (Exception e) when (e is not PoolAccessDeniedException)
        {
            // Whatever failed, the request may have landed: the next try (same request id) tells.
            return new(null, e, true, tries);
        }
    }

    /// <summary>True when another try may get a different answer: the pool was unavailable, or the try threw.</summary>
    private static bool WorthRetrying<T>(Attempt<T> attempt, Func<T, Outcome> outcome)
        where T : class
        => attempt.Answer is not { } answer || outcome(answer) == Outcome.Unavailable;

    /// <summary>Twice <paramref name="wait"/>, at most <paramref name="max"/> (both at most a minute: no overflow).</summary>
    private static TimeSpan Doubled(TimeSpan wait, TimeSpan max) => wait * 2 < max ? wait * 2 : max;
}
