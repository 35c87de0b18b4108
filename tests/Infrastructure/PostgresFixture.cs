namespace Metering.Tests.Infrastructure;

/// <summary>
/// Assembly fixture: one throwaway PostgreSQL cluster (<see cref="PostgresServer"/>) for the whole
/// test assembly. Tests isolate themselves by database via <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private int _counter;

    /// <summary>The running server; throws before <see cref="InitializeAsync"/> has completed.</summary>
    public PostgresServer Server =>
        _server ?? throw new InvalidOperationException("PostgresFixture is not initialized.");

    /// <summary>Connection string of the admin database <c>metering</c>.</summary>
    public string ConnectionString => Server.ConnectionString;

    public async ValueTask InitializeAsync() =>
        _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        PostgresServer? server = Interlocked.Exchange(ref _server, null);
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>
    /// Creates a fresh, empty database named after <paramref name="prefix"/> (lower-cased, other
    /// characters than a-z, 0-9 and _ replaced) plus a unique suffix, and returns its connection string.
    /// </summary>
    public Task<string> CreateDatabaseAsync(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var sanitized = new string(prefix
            .ToLowerInvariant()
            .Select(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '_')
            .Take(40)
            .ToArray());
        int n = Interlocked.Increment(ref _counter);
        // "t_" keeps the name valid whatever the prefix starts with; the GUID part keeps it
        // unique even across fixtures sharing a server.
        string name = $"t_{sanitized}_{n}_{Guid.NewGuid().ToString("N")[..8]}";
        return Server.CreateDatabaseAsync(name, TestContext.Current.CancellationToken);
    }
}
