using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Metering.Bench;

/// <summary>
/// The HTTP load generator: a closed loop of relays, each reserving (POST .../reservations) and,
/// once its 201 is back, committing (POST .../reservations/{requestId}/commit), until the phase's
/// time is up; a lifecycle under way then finishes. Every request is timed. An answer other than
/// 201 to a reserve or 200 to a commit is counted by status and the relay moves on (a refused
/// reserve has nothing to commit); no answer at all (a refused connection, a reset, a timeout)
/// means a process broke, and stops the run with an exception. Lean on purpose, as its CPU
/// competes with the silo's, client-api's and PostgreSQL's on the same cores: one pooled client,
/// bodies from constant pieces, latencies into per-relay lists.
/// </summary>
internal sealed class RelayLoad : IDisposable
{
    /// <summary>Far above any answer under load; past it the run has broken (a stuck process), not slowed.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A line every so often when a phase is long (--phase-seconds 300), so a run never looks stuck.</summary>
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);

    /// <summary>A header value object per request: they are mutable, so none is shared between concurrent requests.</summary>
    private const string JsonType = "application/json";

    private readonly HttpClient _http;

    /// <param name="apiBase">client-api's address.</param>
    /// <param name="apiKey">The run's key, sent as a bearer token.</param>
    /// <param name="maxConnections">The most relays any run of this generator has: one connection each.</param>
    public RelayLoad(Uri apiBase, string apiKey, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = apiBase, Timeout = RequestTimeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        _http.DefaultRequestHeaders.ExpectContinue = false;
    }

    /// <summary>
    /// Runs <paramref name="relays"/> relays for <paramref name="duration"/>, each lifecycle on an
    /// account picked at random from <paramref name="accountIds"/> (one id: the hot workload).
    /// <paramref name="runId"/> makes the requestIds unique across runs (an identifier of API.md's alphabet).
    /// </summary>
    public async Task<PathRun> RunAsync(
        RelayRequests kind, string runId, IReadOnlyList<string> accountIds, int relays, TimeSpan duration, string label, CancellationToken ct)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tallies = new RelayTally[relays];
        var clock = Stopwatch.StartNew();

        async Task Relay(int relay)
        {
            var tally = tallies[relay] = new RelayTally();
            // Seeded the same in every run: the same accounts in the same order.
            var random = new Random(unchecked((runId.Aggregate(17, (h, c) => (h * 31) + c) * 397) ^ relay));
            long sequence = 0;
            while (clock.Elapsed < duration && !failed.IsCancellationRequested)
            {
                string account = accountIds[accountIds.Count == 1 ? 0 : random.Next(accountIds.Count)];
                string requestId = string.Create(CultureInfo.InvariantCulture, $"{runId}-{relay}-{sequence++}");
                long start = Stopwatch.GetTimestamp();
                int status = await PostAsync(kind.ReservationsPath(account), kind.ReserveBody(requestId), failed.Token);
                long reserved = Stopwatch.GetTimestamp();
                tally.Add(status, 201, Stopwatch.GetElapsedTime(start, reserved).TotalMilliseconds);
                if (status != 201)
                {
                    continue;
                }

                status = await PostAsync(kind.CommitPath(account, requestId), kind.CommitBody, failed.Token);
                long committed = Stopwatch.GetTimestamp();
                tally.Add(status, 200, Stopwatch.GetElapsedTime(reserved, committed).TotalMilliseconds);
                if (status == 200)
                {
                    tally.Lifecycles.Add(Stopwatch.GetElapsedTime(start, committed).TotalMilliseconds);
                }
            }
        }

        Exception? cause = null;

        async Task Guarded(int relay)
        {
            try
            {
                await Relay(relay);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // The first failure is the cause; the others are the cancellation it caused.
                if (Interlocked.CompareExchange(ref cause, error, null) is null)
                {
                    await failed.CancelAsync();
                }
            }
        }

        var all = Task.WhenAll(Enumerable.Range(0, relays).Select(r => Task.Run(() => Guarded(r), CancellationToken.None)));
        while (await Task.WhenAny(all, Task.Delay(ProgressEvery, failed.Token)) != all && !failed.IsCancellationRequested)
        {
            Console.WriteLine($"    {label}: {clock.Elapsed.TotalSeconds:N0} s of {duration.TotalSeconds:N0}");
        }

        await all;
        var elapsed = clock.Elapsed;
        ct.ThrowIfCancellationRequested();
        if (cause is not null)
        {
            throw new InvalidOperationException($"{label}: a request got no HTTP answer ({cause.Message}): did client-api or the silo stop?", cause);
        }

        return new PathRun(
            tallies.Sum(t => t.Succeeded),
            elapsed,
            [.. tallies.SelectMany(t => t.Latencies)],
            [.. tallies.SelectMany(t => t.Lifecycles)],
            tallies.SelectMany(t => t.Failures).GroupBy(f => f.Key).ToDictionary(g => string.Create(CultureInfo.InvariantCulture, $"HTTP {g.Key}"), g => g.Sum(f => f.Value)));
    }

    /// <summary>
    /// Sends one administrative or setup request and fails the run unless it answers 200 or 201:
    /// the benchmark measures nothing on accounts it could not prepare.
    /// </summary>
    public async Task SetupAsync(HttpMethod method, string path, string? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = new MediaTypeHeaderValue(JsonType) } };
        }

        using var answer = await _http.SendAsync(request, ct);
        if ((int)answer.StatusCode is not (200 or 201))
        {
            string text = await answer.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException($"setup {method} /{path} answered {(int)answer.StatusCode}: {text}");
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<int> PostAsync(string path, byte[] body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonType);
        // The answer is read whole (it is small) so that its connection goes back to the pool.
        using var answer = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (int)answer.StatusCode;
    }

    /// <summary>One relay's counts; only that relay writes it, and it is read after the relay ends.</summary>
    private sealed class RelayTally
    {
        public long Succeeded { get; private set; }

        public List<double> Latencies { get; } = [];

        public List<double> Lifecycles { get; } = [];

        public Dictionary<int, long> Failures { get; } = [];

        public void Add(int status, int expected, double ms)
        {
            Latencies.Add(ms);
            if (status == expected)
            {
                Succeeded++;
            }
            else
            {
                Failures[status] = Failures.GetValueOrDefault(status) + 1;
            }
        }
    }
}
