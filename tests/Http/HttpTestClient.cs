using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Metering.Tests.Http;

/// <summary>Small helpers to send JSON with a key and read problem or body JSON back.</summary>
internal static class HttpTestClient
{
    public static async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> Send(
        this HttpClient http, HttpMethod method, string path, string? key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }

    public static string Code(this JsonElement problem) => problem.GetProperty("code").GetString()!;
}
