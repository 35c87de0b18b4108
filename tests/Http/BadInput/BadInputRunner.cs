using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Metering.Tests.Http.BadInput;

/// <summary>
/// Sends generated requests with some concurrency and checks each answer against its
/// expectation: never a 5xx; the expected status; <c>application/problem+json</c> with
/// <c>type</c>, <c>status</c> and <c>code</c>; for a 400 exactly the expected <c>errors</c> members;
/// for a batch of bad events, 200 with one such problem per event. Tallies what it saw.
/// </summary>
internal sealed class BadInputRunner(HttpClient http, int parallelism)
{
    private const int FailureKindsKept = 25;

    /// <summary>One example per kind of wrong answer (what was wrong, on which route, for which bad inputs), with how often it happened.</summary>
    private readonly ConcurrentDictionary<string, (int Count, string Example)> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _byCategory = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, int> _byStatus = new();
    private readonly ConcurrentDictionary<string, int> _byRoute = new(StringComparer.Ordinal);
    private int _failed;
    private int _serverErrors;
    private int _sent;
    private int _combined;

    public int Failed => _failed;

    public int ServerErrors => _serverErrors;

    public int Sent => _sent;

    public IReadOnlyDictionary<string, int> ByRoute => _byRoute;

    /// <summary>The first kinds of wrong answer, each with one example request.</summary>
    public IEnumerable<string> Failures => _failures.OrderByDescending(p => p.Value.Count).Take(FailureKindsKept)
        .Select(p => $"[{p.Value.Count}x] {p.Value.Example}");

    public TimeSpan Elapsed { get; private set; }

    public async Task RunAsync(IReadOnlyList<BadRequest> requests, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellation },
            async (request, ct) => await SendAndCheck(request, ct));
        Elapsed = clock.Elapsed;
    }

    private async Task SendAndCheck(BadRequest request, CancellationToken cancellation)
    {
        byte[]? body = request.Draft.RenderBody();
        int status;
        string? mediaType;
        string text;
        try
        {
            using var message = Message(request.Draft, body);
            using var response = await http.SendAsync(message, cancellation);
            status = (int)response.StatusCode;
            mediaType = response.Content.Headers.ContentType?.MediaType;
            text = await response.Content.ReadAsStringAsync(cancellation);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            status = 0;
            mediaType = null;
            text = $"the request could not be sent: {error.GetType().Name}: {error.Message}";
        }

        Tally(request, status);
        if (Check(request.Expected, status, mediaType, text) is { } problem)
        {
            Interlocked.Increment(ref _failed);
            string kind = $"{problem} | {request.Route.Name} | {string.Join(" + ", request.AllMutations.Select(m => m.Category).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}";
            string example = $"{problem}\n{request.Describe(body)}\n  answer: {status} {mediaType} {BadRequest.Show(Encoding.UTF8.GetBytes(text), 500)}";
            _failures.AddOrUpdate(kind, (1, example), (_, seen) => (seen.Count + 1, seen.Example));
        }
    }

    private static HttpRequestMessage Message(Draft draft, byte[]? body)
    {
        var message = new HttpRequestMessage(new HttpMethod(draft.Method), draft.RenderPath());
        if (draft.Authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", draft.Authorization);
        }

        if (body is not null)
        {
            HttpContent content = draft.Chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
            if (draft.ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", draft.ContentType);
            }

            message.Content = content;
        }

        return message;
    }

    private void Tally(BadRequest request, int status)
    {
        Interlocked.Increment(ref _sent);
        if (status >= 500 || status == 0)
        {
            Interlocked.Increment(ref _serverErrors);
        }

        _byStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
        _byRoute.AddOrUpdate(request.Route.Name, 1, (_, n) => n + 1);
        var categories = request.AllMutations.Select(m => m.Category).Distinct(StringComparer.Ordinal).ToList();
        if (request.Draft.Mutations.Count(m => !m.Neutral) > 1)
        {
            Interlocked.Increment(ref _combined);
        }

        foreach (string category in categories.Concat(request.Draft.Mutations.Where(m => m.Neutral).Select(m => m.Category)).Distinct(StringComparer.Ordinal))
        {
            _byCategory.AddOrUpdate(category, 1, (_, n) => n + 1);
        }
    }

    /// <summary>Null when the answer is the expected one, else what is wrong with it.</summary>
    public static string? Check(Expectation expected, int status, string? mediaType, string text)
    {
        if (status is >= 500 or 0)
        {
            return $"a {status} for bad input";
        }

        if (status != expected.Status)
        {
            return $"status {status}, expected {expected.Status}";
        }

        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return "the answer is not JSON";
        }

        if (expected.Events is { } events)
        {
            if (mediaType != "application/json")
            {
                return $"Content-Type {mediaType}, expected application/json";
            }

            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            {
                return "no results array";
            }

            if (results.GetArrayLength() != events.Count)
            {
                return $"{results.GetArrayLength()} results for {events.Count} events";
            }

            int i = 0;
            foreach (var result in results.EnumerateArray())
            {
                if (CheckProblem(events[i], result) is { } wrong)
                {
                    return $"results[{i}]: {wrong}";
                }

                i++;
            }

            return null;
        }

        return mediaType != "application/problem+json" ? $"Content-Type {mediaType}, expected application/problem+json" : CheckProblem(expected, body);
    }

    private static string? CheckProblem(Expectation expected, JsonElement problem)
    {
        if (problem.ValueKind != JsonValueKind.Object)
        {
            return $"not a problem object: {problem.GetRawText()}";
        }

        if (!problem.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Number || status.GetInt32() != expected.Status)
        {
            return $"problem status is not {expected.Status}";
        }

        if (!problem.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String || code.GetString() != expected.Code)
        {
            return $"code is not {expected.Code}";
        }

        if (!problem.TryGetProperty("type", out var type) || type.GetString() != $"urn:metering:problem:{expected.Code}")
        {
            return "type is not urn:metering:problem:{code}";
        }

        if (expected.Status != 400)
        {
            return null;
        }

        if (!problem.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object || !errors.EnumerateObject().Any())
        {
            return "a 400 without an errors object";
        }

        var keys = errors.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        if (errors.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() == 0))
        {
            return "an errors member without messages";
        }

        return expected.ErrorKeys.Count > 0 && !keys.SetEquals(expected.ErrorKeys)
            ? $"errors {{{string.Join(", ", keys)}}}, expected {{{string.Join(", ", expected.ErrorKeys)}}}"
            : null;
    }

    public string Summary(int seed)
    {
        var text = new StringBuilder();
        text.AppendLine($"Bad input: {_sent} requests (seed {seed}, {parallelism} at a time) in {Elapsed.TotalSeconds:F1} s; {_combined} with several bad inputs; 5xx: {_serverErrors}; wrong answers: {_failed}");
        text.AppendLine("By status: " + string.Join(", ", _byStatus.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}")));
        text.AppendLine("By category (a request counts once in each of its categories):");
        foreach (var (category, count) in _byCategory.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"  {category,-20} {count,7}");
        }

        text.AppendLine("By route:");
        foreach (var (route, count) in _byRoute.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"  {route,-70} {count,7}");
        }

        return text.ToString();
    }

    /// <summary>A stream whose length is unknown, so the request goes without <c>Content-Length</c>.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;
    }
}
