using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Metering.ClientApi.Auth;

/// <summary>
/// The keys from configuration (<c>Metering:ApiKeys:{name}:Key</c> or <c>:Sha256</c>, <c>:Scopes</c>,
/// <c>:IdPrefix</c>). A presented key is hashed and compared with every configured hash in constant
/// time, so neither a match nor its position leaks through timing. A key that matched is
/// remembered, so a relay's later requests skip the hash.
/// </summary>
internal sealed class ApiKeyRing
{
    private readonly IReadOnlyList<ApiKey> _keys;

    // Hashing the presented key cost about 2 % of client-api's CPU per request (docs/benchmarks.md).
    // Bounded by the ring itself: only a presented key that matched is kept, and only the exact
    // text of a configured key matches its SHA-256, so there is at most one entry per configured
    // key; unknown keys sent by anyone are never kept. The ring is fixed at start, so an entry
    // never goes stale. String hashing is randomized per process, so a lookup's timing tells
    // nothing about a key one does not already hold.
    private readonly ConcurrentDictionary<string, ApiKey> _verified = new(StringComparer.Ordinal);

    public ApiKeyRing(IReadOnlyList<ApiKey> keys) => _keys = keys;

    public int Count => _keys.Count;

    public static ApiKeyRing FromConfiguration(IConfiguration config)
    {
        var keys = new List<ApiKey>();
        foreach (var section in config.GetSection("Metering:ApiKeys").GetChildren())
        {
            string name = section.Key;
            byte[] hash;
            if (section["Sha256"] is { Length: > 0 } hex)
            {
                try
                {
                    hash = Convert.FromHexString(hex.Trim());
                }
                catch (FormatException)
                {
                    hash = [];
                }

                if (hash.Length != 32)
                {
                    throw new InvalidOperationException($"Metering:ApiKeys:{name}:Sha256 must be 64 hex digits");
                }
            }
            else if (section["Key"] is { Length: > 0 } key)
            {
                hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
            }
            else
            {
                throw new InvalidOperationException($"Metering:ApiKeys:{name} needs Key or Sha256");
            }

            keys.Add(new ApiKey(
                name, hash, ParseScopes(name, section["Scopes"] ?? Scopes.Relay), section["IdPrefix"] is { Length: > 0 } p ? p : null,
                KeyRate.FromConfiguration(name, section)));
        }

        return new ApiKeyRing(keys);
    }

    /// <summary>The key whose hash matches <paramref name="presented"/>, or null.</summary>
    public ApiKey? Find(string presented)
    {
        if (_verified.TryGetValue(presented, out var known))
        {
            return known;
        }

        var found = Match(presented);
        if (found is not null)
        {
            _verified.TryAdd(presented, found);
        }

        return found;
    }

    /// <summary>Presented keys remembered as verified: at most <see cref="Count"/>.</summary>
    internal int VerifiedCount => _verified.Count;

    private ApiKey? Match(string presented)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiKey? found = null;
        foreach (var key in _keys)
        {
            // Compare with every key, always: no early exit.
            if (CryptographicOperations.FixedTimeEquals(hash, key.Sha256))
            {
                found = key;
            }
        }

        return found;
    }

    private static Scope ParseScopes(string name, string text)
    {
        var scopes = Scope.None;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            scopes |= part switch
            {
                Scopes.Relay => Scope.Relay,
                Scopes.Admin => Scope.Admin,
                _ => throw new InvalidOperationException($"Metering:ApiKeys:{name}:Scopes: unknown scope '{part}' (relay, admin)"),
            };
        }

        return scopes;
    }
}
