using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Metering.Faults.Load;

/// <summary>
/// The two client-api processes as relays reach them: sends an operation to one of them and
/// records it in the history (invoked, then ok, refused, failed or unknown).
/// </summary>
internal sealed class FrontEnds : IDisposable
{
    /// <summary>How long a relay waits for one answer before it counts the outcome as unknown.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long a relay waits after a front end refused its connection.</summary>
    private static readonly TimeSpan FailedBackoff = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient[] _clients;
    private readonly History _history;

    public FrontEnds(IReadOnlyList<Uri> urls, string key, History history)
    {
        Urls = urls;
        _history = history;
        _clients = [.. urls.Select(url =>
        {
            // A fresh connection per front end restart: short-lived pooled connections.
            var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(3) };
            var client = new HttpClient(handler) { BaseAddress = url, Timeout = RequestTimeout };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        })];
    }

    public int Count => _clients.Length;

    public IReadOnlyList<Uri> Urls { get; }

    /// <summary>Sends and records one operation; never throws for what the network or the server does.</summary>
    public async Task<Op> SendAsync(string kind, string account, string action, string key, HttpMethod method, string path, string? body, int frontEnd)
    {
        var op = _history.Invoke(kind, account, action, key, method, path, body, frontEnd);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await _clients[frontEnd].SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            int status = (int)response.StatusCode;
            var outcome = status switch
            {
                >= 200 and < 300 => OpOutcome.Ok,
                >= 400 and < 500 => OpOutcome.Refused,
                _ => OpOutcome.Unknown,
            };
            op.Complete(outcome, status, text, DateTime.UtcNow);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            op.Complete(OpOutcome.Failed, 0, e.Message, DateTime.UtcNow);
            // A relay that finds no front end backs off a little instead of spinning.
            await Task.Delay(FailedBackoff);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            op.Complete(OpOutcome.Unknown, 0, e.Message, DateTime.UtcNow);
        }

        return op;
    }

    /// <summary>A plain request outside the history (setup and read-back), retried while the answer is 503 or missing.</summary>
    public async Task<(HttpStatusCode Status, string Body)> CallAsync(HttpMethod method, string path, string? body = null, int frontEnd = 0, int attempts = 20)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(method, path);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                using var response = await _clients[frontEnd].SendAsync(request);
                string text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= attempts)
                {
                    return (response.StatusCode, text);
                }
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException or IOException) && attempt < attempts)
            {
                // Retried below.
            }

            await Task.Delay(500);
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
