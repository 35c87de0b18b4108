namespace Metering.Tests.Http.BadInput;

/// <summary>A route's body: its members, whether an empty body reads as <c>{}</c>, and its size bound.</summary>
internal sealed record BodySpec(IReadOnlyList<Field> Fields, bool EmptyIsObject = false, int MaxBytes = 64 * 1024, bool IsBatch = false);
