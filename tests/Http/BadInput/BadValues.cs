namespace Metering.Tests.Http.BadInput;

/// <summary>
/// Tables of values that are wrong for a kind of member, each wrong whatever else the request
/// holds (so a generated request can never succeed by accident). Expectations follow
/// docs/api.md "Request bodies": client-api checks types, ranges, NULs and lengths; the grain
/// checks empty text and other control characters.
/// </summary>
internal static class BadValues
{
    private static readonly byte[] Ff = [0xFF];
    private static readonly byte[] EncodedSurrogate = [0xED, 0xA0, 0x80];
    private static readonly byte[] Overlong = [0xC0, 0xAF];
    private static readonly byte[] CutSequence = [0xE6, 0x97];

    /// <summary>Not JSON, or not UTF-8, wherever a value stands: the body is malformed.</summary>
    public static IEnumerable<BadValue> Malformed()
    {
        yield return BadValue.Malformed("invalid-utf8", "string with byte FF", BadValue.Bytes("\"a", Ff, "b\""));
        yield return BadValue.Malformed("invalid-utf8", "string with an encoded surrogate", BadValue.Bytes("\"", EncodedSurrogate, "\""));
        yield return BadValue.Malformed("invalid-utf8", "string with an overlong encoding", BadValue.Bytes("\"", Overlong, "\""));
        yield return BadValue.Malformed("invalid-utf8", "string with a cut sequence", BadValue.Bytes("\"a", CutSequence, "\""));
        yield return BadValue.Malformed("malformed", "raw tab in a string", BadValue.Utf8("\"a\tb\""));
        yield return BadValue.Malformed("malformed", "raw newline in a string", BadValue.Utf8("\"a\nb\""));
        yield return BadValue.Malformed("malformed", "raw U+0001 in a string", BadValue.Utf8("\"a\u0001b\""));
        yield return BadValue.Malformed("malformed", "unterminated string", BadValue.Utf8("\"abc"));
        yield return BadValue.Malformed("malformed", "single quotes", BadValue.Utf8("'abc'"));
        yield return BadValue.Malformed("malformed", "bare word", BadValue.Utf8("abc"));
        yield return BadValue.Malformed("malformed", "bad escape \\x", BadValue.Utf8("\"a\\xb\""));
        yield return BadValue.Malformed("malformed", "short \\u escape", BadValue.Utf8("\"\\u12\""));
        yield return BadValue.Malformed("malformed", "no value", BadValue.Utf8(""));
    }

    /// <summary>Not JSON numbers: the body is malformed.</summary>
    public static IEnumerable<BadValue> MalformedNumbers()
    {
        foreach (string token in new[] { "+1", "01", "00", ".5", "5.", "-", "--1", "0x10", "NaN", "Infinity", "-Infinity", "1_000", "1 000", "1e", "1e+", "'5'", "undefined" })
        {
            yield return BadValue.Malformed("malformed-number", token, BadValue.Utf8(token));
        }
    }

    public static IEnumerable<BadValue> Identifier(bool required)
    {
        const string c = "identifier";
        foreach (string s in new[]
        {
            "", new string('a', 129), new string('a', 4096), "a b", " a", "a ", "a/b", "a\\u0000b", "\\u0000", "\\u00e9", "é", "日本", "😀",
            "\\ud83d\\ude00", "a#b", "a?b", "a%b", "a+b", "a,b", "a;b", "a\\\"b", "a\\\\b", "a'b", "a\\tb", "a\\nb", "a~b", "a!b", "a$b",
            "a*b", "a=b", "a&b", "a<b>", "a(b)", "a[b]", "a{b}", "a|b", "a^b", "a`b", "\\u0661", "１", "a\\u200bb", "a\\u2028b", "\\u007f",
            "a\\u0085b", "\\u00a0",
        })
        {
            yield return BadValue.Str(c, s);
        }

        foreach (var v in Surrogates(c))
        {
            yield return v;
        }

        foreach (var v in NonStrings(required))
        {
            yield return v;
        }

        foreach (var v in Malformed())
        {
            yield return v;
        }
    }

    /// <summary>Escaped UTF-16 surrogates without their pair: valid JSON syntax, not text.</summary>
    public static IEnumerable<BadValue> Surrogates(string category)
    {
        foreach (string s in new[] { "\\ud800", "\\udc00a", "a\\ud800b", "\\udbff\\udbff", "\\ude00\\ud83d", "a\\uDFFF" })
        {
            yield return BadValue.Str("unpaired-surrogate", s, label: $"{category} \"{s}\"");
        }
    }

    private static IEnumerable<BadValue> NonStrings(bool required)
    {
        foreach (string token in new[] { "5", "0", "-1", "1.5", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":\"b\"}" })
        {
            yield return BadValue.Tok("type", token);
        }

        yield return BadValue.Tok(required ? "missing" : "type", "null");
    }

    /// <summary>Wrong for an integer from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static IEnumerable<BadValue> Integer(long min, long max, bool required, bool nullable)
    {
        foreach (string token in new[] { "\"5\"", "\"\"", "\"1e3\"", "\"0x10\"", "true", "false", "[]", "{}", "[1]", "{\"v\":1}" })
        {
            yield return BadValue.Tok("type", token);
        }

        // Numbers, but not integers as written: a fraction or an exponent (1e3 is 1000, still refused).
        foreach (string token in new[] { "1.5", "1.0", "0.5", "-0.0", "1e3", "1E2", "1e0", "1e-2" })
        {
            yield return BadValue.Tok("fraction", token);
        }

        if (!nullable)
        {
            yield return BadValue.Tok(required ? "missing" : "type", "null");
        }

        var outOfRange = new List<string>
        {
            (min - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            (max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-1", "1000000000000001", "1000000000000000000", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "18446744073709551616", "1e15", "1e400", "-1e400", "1e-400", new string('9', 40), new string('9', 400),
            "-" + new string('9', 400), "1" + new string('0', 10000),
        };
        if (min > 0)
        {
            outOfRange.Add("0");
        }

        foreach (string token in outOfRange.Distinct().Where(t => !InRange(t, min, max)))
        {
            yield return BadValue.Tok("range", token);
        }

        foreach (var v in MalformedNumbers())
        {
            yield return v;
        }
    }

    private static bool InRange(string token, long min, long max) =>
        long.TryParse(token, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long n) && n >= min && n <= max;

    /// <summary>
    /// Wrong for a text member of 1 to <paramref name="maxLength"/> UTF-16 code units without control
    /// characters (<paramref name="multiline"/>: line breaks and tabs allowed). Empty text and control
    /// characters other than NUL are the grain's to refuse.
    /// </summary>
    public static IEnumerable<BadValue> Text(int maxLength, bool required, bool multiline)
    {
        const string c = "text";
        foreach (var v in new[]
        {
            BadValue.Str("nul", "\\u0000"), BadValue.Str("nul", "a\\u0000b"), BadValue.Str("nul", "a\\u0000"),
            BadValue.Str("length", new string('a', maxLength + 1)), BadValue.Str("length", new string('a', 10000)),
            BadValue.Str("length", string.Concat(Enumerable.Repeat("😀", (maxLength / 2) + 1)), label: $"{(maxLength / 2) + 1} emoji"),
            BadValue.Str("length", string.Concat(Enumerable.Repeat("\\u00e9", maxLength + 1)), label: $"{maxLength + 1} escaped é"),
        })
        {
            yield return v;
        }

        foreach (var v in Surrogates(c))
        {
            yield return v;
        }

        foreach (string token in new[] { "5", "0", "1.5", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":\"b\"}" })
        {
            yield return BadValue.Tok("type", token);
        }

        yield return BadValue.Tok(required ? "missing" : "type", "null");
        yield return BadValue.Str("empty", "", Stage.Grain);
        var controls = new List<string> { "\\u0001", "a\\u001fb", "\\u007f", "a\\u0085", "\\u009f", "a\\u001bb", "\\b", "\\f" };
        if (!multiline)
        {
            controls.AddRange(["\\t", "a\\nb", "\\r", "a\\r\\n"]);
        }

        foreach (string s in controls)
        {
            yield return BadValue.Str("control", s, Stage.Grain);
        }

        foreach (var v in Malformed())
        {
            yield return v;
        }
    }

    public static IEnumerable<BadValue> Enum(IReadOnlyList<string> names, string otherEnumName, bool required)
    {
        const string c = "enum";
        string first = names[0];
        foreach (string s in new[]
        {
            "", " " + first, first + " ", first.ToUpperInvariant(), char.ToUpperInvariant(first[0]) + first[1..], first + "s", "unknown", otherEnumName,
            first + "\\u0000", "\\u0000", "é", first[..1],
        })
        {
            yield return BadValue.Str(c, s);
        }

        foreach (var v in Surrogates(c))
        {
            yield return v;
        }

        foreach (string token in new[] { "1", "0", "-1", "true", "false", "[]", "{}", $"[\"{first}\"]", $"{{\"{first}\":1}}" })
        {
            yield return BadValue.Tok("type", token);
        }

        yield return BadValue.Tok(required ? "missing" : "type", "null");
        foreach (var v in Malformed())
        {
            yield return v;
        }
    }

    public static IEnumerable<BadValue> Boolean(bool required)
    {
        foreach (string token in new[] { "\"true\"", "\"false\"", "\"yes\"", "\"\"", "1", "0", "[]", "{}", "[true]", "\"\\u0000\"" })
        {
            yield return BadValue.Tok("type", token);
        }

        yield return BadValue.Tok(required ? "missing" : "type", "null");
        foreach (string token in new[] { "True", "FALSE", "tru", "yes", "t" })
        {
            yield return BadValue.Malformed("malformed", token, BadValue.Utf8(token));
        }
    }

    /// <summary>Wrong for <c>customerCharge</c>: a decimal string <c>-?(0|[1-9]d{0,8})(.d{1,10})?</c>.</summary>
    public static IEnumerable<BadValue> Charge()
    {
        const string c = "charge";
        foreach (string token in new[] { "0.0125", "1", "0", "-1", "1e3", "true", "false", "[]", "{}", "[\"1\"]" })
        {
            yield return BadValue.Tok("type", token);
        }

        yield return BadValue.Tok("missing", "null");
        foreach (string s in new[]
        {
            "1e3", "+1", ".5", "1.", "01", " 1", "1 ", "1,5", "0.12345678901", "1.50000000000", "1000000000", "-1234567890", "", "abc", "-",
            "--1", "NaN", "Infinity", "0x10", "1\\u0000", "\\u0661", "１", "1.2.3", "1/2", "$1", "-0.", "1.5\\n", "0.0000000000" + "1",
            new string('9', 400),
        })
        {
            yield return BadValue.Str(c, s);
        }

        foreach (var v in Surrogates(c))
        {
            yield return v;
        }

        foreach (var v in Malformed())
        {
            yield return v;
        }
    }

    /// <summary>Wrong for <c>occurredAt</c>: ISO-8601 date and time, from 1970 on (docs/api.md "Record one event").</summary>
    public static IEnumerable<BadValue> Time()
    {
        const string c = "time";
        foreach (string s in new[]
        {
            "2026-11-23", "2026-11-23 17:06:28Z", "2026-11-23t17:06:28Z", "2026-11-23T17:06:28z", "2026-11-23T17:06:28+0200",
            "2026-02-29T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T17:60:00Z", "2026-11-23T17:06:60Z", "2026-13-01T00:00:00Z",
            "2026-11-31T00:00:00Z", "2026-11-23T17:06:28.12345678Z", "2026-11-23T17:06:28.Z", "2026-11-23T17Z", "2026-11-23T17:06:28+14:01",
            "2026-11-23T17:06:28+15:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "", "now", "２０２６-11-23T17:06:28Z",
            "2026-11-23T17:06:28Z\\u0000", "\\u0000", "2026-11-23T17:06:28Z ", " 2026-11-23T17:06:28Z", "2026-W48-1T00:00:00Z",
            "1700000000", "11/23/2026 17:06:28", new string('2', 65),
        })
        {
            yield return BadValue.Str(c, s);
        }

        foreach (string s in new[] { "1969-12-31T23:59:59Z", "1970-01-01T00:00:00+00:01", "0001-01-01T00:00:00Z" })
        {
            yield return BadValue.Str("range", s, Stage.Grain);
        }

        foreach (var v in Surrogates(c))
        {
            yield return v;
        }

        foreach (string token in new[] { "1700000000", "true", "[]", "{}" })
        {
            yield return BadValue.Tok("type", token);
        }

        yield return BadValue.Tok("missing", "null");
        foreach (var v in Malformed())
        {
            yield return v;
        }
    }

    /// <summary>Wrong for <c>callDetails</c>: any JSON value of at most 4 KiB that jsonb can store.</summary>
    public static IEnumerable<BadValue> CallDetails()
    {
        const string c = "callDetails";
        foreach (string token in new[]
        {
            """{"a":"\u0000"}""", """{"\u0000":1}""", "\"\\u0000\"", """["a\u0000"]""", """{"a":{"b":["x\u0000y"]}}""",
            "\"\\ud800\"", """{"a":"\udc00"}""", """["\ud83d"]""",
            "1e400", "-1e400", "[1e309]", """{"n":1e999}""",
            "\"" + new string('a', 4095) + "\"", "{\"a\":\"" + new string('b', 5000) + "\"}", "[" + string.Join(",", Enumerable.Repeat("1", 3000)) + "]",
        })
        {
            yield return BadValue.Tok(c, token);
        }

        yield return BadValue.Malformed("duplicate", "duplicate inside callDetails", BadValue.Utf8("""{"a":1,"a":2}"""));
        yield return BadValue.Malformed("duplicate", "escaped duplicate inside callDetails", BadValue.Utf8("""{"ab":1,"\u0061b":2}"""));
        yield return BadValue.Malformed("unpaired-surrogate", "member name \\ud800 inside callDetails", BadValue.Utf8("""{"\ud800":1}"""));
        yield return BadValue.Malformed("unpaired-surrogate", "nested member name \\udbff inside callDetails", BadValue.Utf8("""{"a":{"\udbff":1}}"""));
        yield return BadValue.Malformed("depth", "32 nested arrays", BadValue.Utf8(new string('[', 32) + new string(']', 32)));
        yield return BadValue.Malformed("depth", "200 nested objects", BadValue.Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)));
        foreach (var v in Malformed().Where(v => v.Token.Length > 0))
        {
            yield return v;
        }
    }

    /// <summary>Wrong for a batch's <c>events</c>: an array of 1 to 1000 objects.</summary>
    public static IEnumerable<BadValue> Events()
    {
        yield return BadValue.Tok("missing", "null");
        foreach (string token in new[] { "{}", "\"x\"", "1", "true", "[]", "{\"events\":[]}" })
        {
            yield return BadValue.Tok("events", token, Stage.Shape);
        }

        yield return new BadValue("events", "1001 events", BadValue.Utf8("[" + string.Join(",", Enumerable.Repeat("{}", 1001)) + "]"), Stage.Shape);
        yield return new BadValue("events", "5000 events", BadValue.Utf8("[" + string.Join(",", Enumerable.Repeat("0", 5000)) + "]"), Stage.Shape);
        foreach (var v in Malformed())
        {
            yield return v;
        }
    }
}
