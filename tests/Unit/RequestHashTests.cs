using System.Security.Cryptography;
using System.Text;
using Metering.GrainInterfaces.Installs;
using Metering.Grains.Engine;

namespace Metering.Tests.Unit;

/// <summary>
/// Request hashes are stored with the journal and compared with every retry, also after an
/// upgrade: the bytes must stay those of the first form, which built one string of the parts
/// (each as invariant text, U+2400 for null, U+001F after each) and hashed its UTF-8.
/// </summary>
public sealed class RequestHashTests
{
    [Fact]
    public void KnownParts_HashToTheStoredBytes()
    {
        // SHA-256 of "release\u001f" and of "Core\u001fTrue\u001f5\u001f300\u001f", computed apart
        // from any C# code, so a change of the text hashed fails here even if the oracle moved too.
        Assert.Equal("fc43bd9e6936c9216365d74c661348817296420418fc43cd50d691dc40d62dc9", Convert.ToHexStringLower(RequestHash.Of("release")));
        Assert.Equal(
            "7a7a70c2bc91141a0bcc0b16eb230133dbd56cedf664b5fbf3bd2cdd779123cd",
            Convert.ToHexStringLower(RequestHash.Of(Tier.Core, true, 5L, 300)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryShapeInUse_HashesAsTheFirstFormDid(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 200; i++)
        {
            long amount = random.Next(3) == 0 ? long.MinValue + random.Next(10) : random.NextInt64(-5, long.MaxValue);
            long? maybe = random.Next(4) == 0 ? null : random.NextInt64(0, 1_000_000_000_000_000);
            int ttl = random.Next(int.MinValue, int.MaxValue);
            string? text = random.Next(5) == 0 ? null : Text(random);
            var tier = (Tier)random.Next(0, 4); // 3 is not a defined tier: written as its number
            bool flag = random.Next(2) == 0;

            Assert.Equal(FirstForm(tier, flag, amount, ttl), RequestHash.Of(tier, flag, amount, ttl));
            Assert.Equal(FirstForm(Backend.Gemini, maybe), RequestHash.Of(Backend.Gemini, maybe));
            Assert.Equal(FirstForm(amount, text, ttl), RequestHash.Of(amount, text, ttl));
            Assert.Equal(FirstForm(maybe, text), RequestHash.Of(maybe, text));
            Assert.Equal(
                FirstForm(amount, maybe, maybe, text, text, text),
                RequestHash.Of(amount, maybe, maybe, text, text, text));
        }
    }

    [Fact]
    public void ALongPart_MovesPastTheStackBuffer_AndStillHashesTheSame()
    {
        string details = new string('x', 20_000) + "é€😀";
        Assert.Equal(FirstForm("chat", 5L, details), RequestHash.Of("chat", 5L, details));
    }

    [Fact]
    public void AnUnsupportedPart_IsRefused_NotHashedSomeOtherWay()
    {
        Assert.Throws<NotSupportedException>(() => RequestHash.Of(1.5));
    }

    private static string Text(Random random)
    {
        const string alphabet = "abcXYZ019-_.:/ é€😀\u2400\u001f\"\\";
        var chars = new StringBuilder();
        int length = random.Next(0, 40);
        while (chars.Length < length)
        {
            int at = random.Next(alphabet.Length);
            chars.Append(char.IsHighSurrogate(alphabet[at]) ? alphabet.Substring(at, 2) : char.IsLowSurrogate(alphabet[at]) ? "z" : alphabet[at].ToString());
        }

        return chars.ToString();
    }

    // The first form, kept here as the oracle.
    private static byte[] FirstForm(params object?[] parts)
    {
        var text = new StringBuilder();
        foreach (object? part in parts)
        {
            text.Append(part switch
            {
                null => "\u2400",
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => part.ToString(),
            });
            text.Append('\u001f');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
