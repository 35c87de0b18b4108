namespace Metering.ClientApi.Json;

/// <summary>Enum member names as the API spells them (camelCase: <c>Gemini</c> → <c>gemini</c>).</summary>
internal static class ApiNames
{
    public static string Of(string member) => member.Length == 0 ? member : char.ToLowerInvariant(member[0]) + member[1..];
}
