namespace Metering.Tests.Http.BadInput;

/// <summary>A path parameter: the account or reservation the base request names, and how a bad value is answered.</summary>
/// <param name="BadStage">Where a malformed value is refused (<see cref="Stage.PathAccount"/>, <see cref="Stage.PathRequest"/>, or <see cref="Stage.Fields"/> for a tier).</param>
/// <param name="Unknown">Valid identifiers that name nothing here (answered 404 by the grain); empty when such a request would be valid.</param>
internal sealed record PathParam(string Name, string Value, Stage BadStage, IReadOnlyList<string> Unknown);
