using Metering.ClientApi.Json;
using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Endpoints;

/// <summary>Turns a grain's outcome and value into the HTTP answer.</summary>
internal static class Answers
{
    /// <summary>
    /// A success outcome answers its status with <paramref name="value"/>; any other outcome its
    /// problem, with the validation errors or with what <paramref name="refusal"/> adds (402 balances).
    /// </summary>
    public static IResult From<T>(Outcome outcome, T? value, ValidationErrors? errors = null, Func<ProblemBody, ProblemBody>? refusal = null)
    {
        if (OutcomeProblems.IsSuccess(outcome))
        {
            return Results.Json(value, ApiJson.Options, statusCode: OutcomeProblems.SuccessStatus(outcome));
        }

        var problem = OutcomeProblems.For(outcome);
        if (errors is not null)
        {
            problem.With("errors", errors.Fields);
        }

        // Balances are part of a refusal (402) only.
        return refusal is not null && problem.Status == StatusCodes.Status402PaymentRequired ? refusal(problem) : problem;
    }

    public static IResult Ok<T>(T value) => Results.Json(value, ApiJson.Options);
}
