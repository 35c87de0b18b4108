namespace Metering.Grains.Storage;

/// <summary>
/// A row of an account kind's own table, staged with the operation that made it and written in
/// the same transaction as the account: a pool's audit record, a port's usage increment or budget
/// change. A closed set, so the writer knows every table it writes (<see cref="SideRowStatements"/>)
/// and no row travels as <c>object</c>.
/// </summary>
internal abstract record SideRow;
