using System.Text.Json;
using System.Text.Json.Serialization;

namespace Metering.Grains.Storage;

/// <summary>
/// The one JSON form of everything the ledger stores (account state, hold details, journal
/// responses): camelCase, enums as strings. Stored data: changing these options needs a migration.
/// </summary>
internal static class LedgerJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidDataException($"stored JSON for {typeof(T).Name} is null");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
