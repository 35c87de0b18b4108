using Metering.ClientApi.Auth;
using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Endpoints;

/// <summary>
/// The release and reservation-read routes, the same for every account kind: only the grain
/// call differs. An unknown reservation is a 404 that names it.
/// </summary>
internal static class LifecycleRoutes
{
    /// <summary>A release: no body or an empty object, one grain call.</summary>
    public static async Task<IResult> ReleaseAsync<TReceipt>(
        HttpContext http, string keyField, string accountId, string requestId,
        Func<Task<(Outcome Outcome, TReceipt? Receipt, ValidationErrors? Errors)>> release)
    {
        var (fields, problem) = await RequestGate.OpenAsync(http, Scope.Relay, keyField, accountId, requestId, emptyIsObject: true);
        if (problem is not null)
        {
            return problem;
        }

        using var body = fields!;
        if (RequestGate.Close(body) is { } invalid)
        {
            return invalid;
        }

        return Answer(await release(), keyField, accountId, requestId);
    }

    /// <summary>A reservation read, one grain call.</summary>
    public static async Task<IResult> GetReservationAsync<TReservation>(
        HttpContext http, string keyField, string accountId, string requestId,
        Func<Task<(Outcome Outcome, TReservation? Reservation, ValidationErrors? Errors)>> read)
    {
        if (Access.Check(http, Scope.Relay, keyField, accountId) is { } denied)
        {
            return denied;
        }

        if (!Identifier.IsValid(requestId))
        {
            return ApiProblems.Invalid("requestId", Identifier.Rule);
        }

        return Answer(await read(), keyField, accountId, requestId);
    }

    private static IResult Answer<T>((Outcome Outcome, T? Value, ValidationErrors? Errors) result, string keyField, string accountId, string requestId) =>
        result.Outcome == Outcome.NotFound
            ? ApiProblems.NotFound($"no reservation '{requestId}' on {keyField[..^2]} '{accountId}'")
            : Answers.From(result.Outcome, result.Value, result.Errors);
}
