namespace Metering.Grains.Storage;

/// <summary>An account row as read: its version and state JSON.</summary>
internal sealed record StoredAccount(long Version, string StateJson);
