namespace Metering.Tests.Http.BadInput;

/// <summary>One member of a route's body: its name, whether it is required, a valid base value (raw JSON, per request serial), and the values that are wrong for it.</summary>
internal sealed record Field(string Name, bool Required, Func<int, string> Base, Func<IEnumerable<BadValue>> Bad)
{
    public static Field Id(string name, Func<int, string> value, bool required = true) =>
        new(name, required, n => $"\"{value(n)}\"", () => BadValues.Identifier(required));

    public static Field Int(string name, long value, bool required = true, long min = 0, long max = 1_000_000_000_000_000) =>
        new(name, required, _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture), () => BadValues.Integer(min, max, required, nullable: false));

    /// <summary>An integer where <c>null</c> is allowed and means something (a tier quota's "no limit").</summary>
    public static Field NullableInt(string name, long? value) =>
        new(name, false, _ => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null", () => BadValues.Integer(0, 1_000_000_000_000_000, false, nullable: true));

    public static Field Text(string name, string value, bool required = true, int maxLength = 128, bool multiline = false) =>
        new(name, required, _ => $"\"{value}\"", () => BadValues.Text(maxLength, required, multiline));

    public static Field Enum(string name, string value, string[] names, string otherEnumName, bool required = true) =>
        new(name, required, _ => $"\"{value}\"", () => BadValues.Enum(names, otherEnumName, required));

    public static Field Bool(string name, bool value, bool required = true) =>
        new(name, required, _ => value ? "true" : "false", () => BadValues.Boolean(required));

    public static Field Charge(string name, string value) => new(name, true, _ => $"\"{value}\"", BadValues.Charge);

    public static Field Time(string name, string value) => new(name, true, _ => $"\"{value}\"", BadValues.Time);

    public static Field CallDetails(string name, string value) => new(name, false, _ => value, BadValues.CallDetails);
}
