using System.Security.Cryptography;
using System.Text;
using Metering.ClientApi.Auth;
using Microsoft.Extensions.Configuration;

namespace Metering.Tests.Unit;

public sealed class ApiKeyRingTests
{
    private static ApiKeyRing Ring(Dictionary<string, string?> settings) =>
        ApiKeyRing.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static string Sha256Hex(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void Keys_ByTextOrBySha256_InEitherHexCase_AreFound()
    {
        var ring = Ring(new()
        {
            ["Metering:ApiKeys:plain:Key"] = "k-plain",
            ["Metering:ApiKeys:upper:Sha256"] = Sha256Hex("k-upper"),
            ["Metering:ApiKeys:lower:Sha256"] = Sha256Hex("k-lower").ToLowerInvariant(),
            ["Metering:ApiKeys:lower:Scopes"] = "relay, admin",
            ["Metering:ApiKeys:lower:IdPrefix"] = "acme-",
        });

        Assert.Equal("plain", ring.Find("k-plain")?.Name);
        Assert.Equal("upper", ring.Find("k-upper")?.Name);
        var lower = ring.Find("k-lower");
        Assert.Equal("lower", lower?.Name);
        Assert.True(lower!.Allows(Scope.Admin));
        Assert.True(lower.Reaches("acme-1"));
        Assert.False(lower.Reaches("other"));
        Assert.Null(ring.Find("k-unknown"));
        Assert.Null(ring.Find(""));
    }

    [Fact]
    public void MatchedKeys_AreRemembered_OncePerConfiguredKey_AndUnknownKeysNever()
    {
        var ring = Ring(new()
        {
            ["Metering:ApiKeys:one:Key"] = "k-one",
            ["Metering:ApiKeys:two:Sha256"] = Sha256Hex("k-two"),
        });

        for (int i = 0; i < 100; i++)
        {
            Assert.Null(ring.Find($"k-unknown-{i}"));
        }

        Assert.Equal(0, ring.VerifiedCount);
        var first = ring.Find("k-one");
        Assert.Same(first, ring.Find("k-one"));
        Assert.Equal("two", ring.Find("k-two")?.Name);
        Assert.Equal("two", ring.Find("k-two")?.Name);
        Assert.Null(ring.Find("k-one "));
        Assert.Equal(2, ring.VerifiedCount);
    }

    [Fact]
    public void RateLimits_AreOffByDefault_AndReadPerKey()
    {
        var ring = Ring(new()
        {
            ["Metering:ApiKeys:free:Key"] = "k-free",
            ["Metering:ApiKeys:slow:Key"] = "k-slow",
            ["Metering:ApiKeys:slow:RateLimit:Requests"] = "50",
            ["Metering:ApiKeys:burst:Key"] = "k-burst",
            ["Metering:ApiKeys:burst:RateLimit:Requests"] = "10",
            ["Metering:ApiKeys:burst:RateLimit:PeriodSeconds"] = "60",
            ["Metering:ApiKeys:burst:RateLimit:Burst"] = "100",
        });

        Assert.Null(ring.Find("k-free")!.Rate);
        Assert.Equal(new KeyRate(50, 1, 50), ring.Find("k-slow")!.Rate);
        Assert.Equal(new KeyRate(10, 60, 100), ring.Find("k-burst")!.Rate);
    }

    [Theory]
    [InlineData("Requests", "0")]
    [InlineData("Requests", "1.5")]
    [InlineData("Requests", "many")]
    [InlineData("PeriodSeconds", "-1")]
    [InlineData("Burst", "1000001")]
    public void BadRateLimit_FailsAtStart_NamingTheSetting(string member, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Metering:ApiKeys:x:Key"] = "k",
            ["Metering:ApiKeys:x:RateLimit:Requests"] = "5",
            [$"Metering:ApiKeys:x:RateLimit:{member}"] = value,
        };

        var error = Assert.Throws<InvalidOperationException>(() => Ring(settings));
        Assert.Contains($"Metering:ApiKeys:x:RateLimit:{member}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RateLimitWithoutRequests_FailsAtStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Ring(new()
        {
            ["Metering:ApiKeys:x:Key"] = "k",
            ["Metering:ApiKeys:x:RateLimit:Burst"] = "5",
        }));
        Assert.Contains("RateLimit needs Requests", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scopes_DefaultToRelay_AndAdminIncludesRelay()
    {
        var ring = Ring(new()
        {
            ["Metering:ApiKeys:relay:Key"] = "r",
            ["Metering:ApiKeys:admin:Key"] = "a",
            ["Metering:ApiKeys:admin:Scopes"] = "admin",
        });

        Assert.True(ring.Find("r")!.Allows(Scope.Relay));
        Assert.False(ring.Find("r")!.Allows(Scope.Admin));
        Assert.True(ring.Find("a")!.Allows(Scope.Relay));
    }

    [Theory]
    [InlineData("Sha256", "abc")]          // not 64 hex digits
    [InlineData("Scopes", "superuser")]    // unknown scope
    public void BadConfiguration_FailsAtStart(string member, string value)
    {
        var settings = new Dictionary<string, string?> { ["Metering:ApiKeys:x:Key"] = "k", [$"Metering:ApiKeys:x:{member}"] = value };
        if (member == "Sha256")
        {
            settings.Remove("Metering:ApiKeys:x:Key");
        }

        Assert.Throws<InvalidOperationException>(() => Ring(settings));
    }

    [Fact]
    public void KeyWithNeitherTextNorHash_FailsAtStart()
    {
        Assert.Throws<InvalidOperationException>(() => Ring(new() { ["Metering:ApiKeys:x:Scopes"] = "relay" }));
    }
}
