using System.Text.Json;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Pools;
using Metering.ApiClient.Generated;
using Metering.PoolBilling;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using Api = Metering.ApiClient.Generated.Models;

namespace Metering.ApiClient;

/// <summary>
/// One pool reached through client-api (API.md "Pools"): each call is one HTTP request, and each
/// answer becomes the grain contract's result, so <see cref="PoolBillingClient"/> retries, refuses
/// and settles exactly as it does against the grain. <c>503</c> and <c>429 rate_limited</c> are
/// <see cref="Outcome.Unavailable"/> (nothing was acknowledged: retried); <c>401</c> and
/// <c>403</c> throw <see cref="PoolAccessDeniedException"/> (never retried); a lost connection or a
/// timeout throws (retried with the same request id, which makes a repeat safe).
/// </summary>
/// <remarks>
/// Over HTTP a first answer (<c>201</c>) and a replay (<c>200</c>) carry the same body; both are
/// returned as <see cref="Outcome.Created"/> for a reserve and <see cref="Outcome.Ok"/> for a commit,
/// which the helper treats alike. A free call's record comes back without the pool's log position
/// (<see cref="PoolUsageRecord.Sequence"/> is 0: the HTTP answer does not carry it) and with the
/// call details as sent.
/// </remarks>
public sealed class HttpPoolConnection(MeteringApiClient api, string poolId) : IPoolConnection
{
    private Generated.V1.Pools.Item.WithPoolItemRequestBuilder Pool => api.V1.Pools[poolId];

    /// <inheritdoc/>
    public async Task<PoolReserveResult> Reserve(PoolReserveRequest request)
    {
        var body = new Api.PoolReserveBody
        {
            RequestId = request.RequestId,
            ReserveMicros = request.ReserveMicros,
            UsageType = request.UsageType,
            TtlSeconds = request.TtlSeconds,
        };
        try
        {
            var answer = await Pool.Reservations.PostAsync(body);
            return new PoolReserveResult(Outcome.Created, Reservation(Required(answer)));
        }
        catch (Api.ProblemSchema problem)
        {
            var outcome = OutcomeOf(problem);
            return outcome == Outcome.QuotaInsufficient
                ? new PoolReserveResult(outcome, Refusal: new PoolRefusal(
                    problem.UsageType ?? request.UsageType, problem.UsedMicros ?? 0, problem.LimitMicros ?? 0, problem.RemainingMicros ?? 0))
                : new PoolReserveResult(outcome, Errors: ErrorsOf(problem));
        }
    }

    /// <inheritdoc/>
    public async Task<PoolCommitResult> Commit(PoolCommitRequest request)
    {
        var body = new Api.PoolCommitBody
        {
            ActualMicros = request.ActualMicros,
            PromptTokens = request.PromptTokens,
            CompletionTokens = request.CompletionTokens,
            Model = request.Model,
            UsageType = request.UsageType,
            CallDetails = request.CallDetails is { } json ? Untyped(json) : null,
        };
        try
        {
            var answer = Required(await Pool.Reservations[request.RequestId].Commit.PostAsync(body));
            return new PoolCommitResult(Outcome.Ok, new PoolCommitReceipt(
                Required(answer.RequestId), State(answer.State), Required(answer.ActualMicros), Required(answer.UsedMicros),
                Required(answer.LimitMicros), Required(answer.RemainingMicros), answer.Late ?? false));
        }
        catch (Api.ProblemSchema problem)
        {
            return new PoolCommitResult(OutcomeOf(problem), Errors: ErrorsOf(problem));
        }
    }

    /// <inheritdoc/>
    public async Task<PoolReleaseResult> Release(string requestId)
    {
        try
        {
            var answer = Required(await Pool.Reservations[requestId].Release.PostAsync(new Api.ReleaseBody()));
            return new PoolReleaseResult(Outcome.Ok, new PoolReleaseReceipt(
                Required(answer.RequestId), State(answer.State), Required(answer.ReservedMicros), Required(answer.UsedMicros),
                Required(answer.LimitMicros), Required(answer.RemainingMicros)));
        }
        catch (Api.ProblemSchema problem)
        {
            return new PoolReleaseResult(OutcomeOf(problem), Errors: ErrorsOf(problem));
        }
    }

    /// <inheritdoc/>
    public async Task<PoolUsageResult> RecordFreeUsage(PoolFreeUsageRequest request)
    {
        var body = new Api.PoolFreeUsageBody
        {
            RequestId = request.RequestId,
            UsageType = request.UsageType,
            CostMicros = request.CostMicros,
            PromptTokens = request.PromptTokens,
            CompletionTokens = request.CompletionTokens,
            Model = request.Model,
            CallDetails = request.CallDetails is { } json ? Untyped(json) : null,
        };
        try
        {
            var answer = Required(await Pool.Usage.PostAsync(body));
            return new PoolUsageResult(Outcome.Created, new PoolUsageRecord(
                Required(answer.RequestId), Required(answer.UsageType), Required(answer.PromptTokens), Required(answer.CompletionTokens),
                Required(answer.TotalTokens), Required(answer.CostMicros), Required(answer.Model), request.CallDetails,
                answer.Billed ?? false, Required(answer.At), 0));
        }
        catch (Api.ProblemSchema problem)
        {
            return new PoolUsageResult(OutcomeOf(problem), Errors: ErrorsOf(problem));
        }
    }

    private static PoolReservation Reservation(Api.PoolReservation answer) => new(
        Required(answer.RequestId), State(answer.State), Required(answer.ReservedMicros), Required(answer.UsedMicros),
        Required(answer.LimitMicros), Required(answer.RemainingMicros), Required(answer.ExpiresAt));

    /// <summary>The grain outcome of a problem; 401 and 403 throw, since no retry can mend them.</summary>
    private Outcome OutcomeOf(Api.ProblemSchema problem) => problem.Code switch
    {
        Api.ProblemSchema_code.Invalid_request or Api.ProblemSchema_code.Payload_too_large => Outcome.InvalidRequest,
        Api.ProblemSchema_code.Not_found => Outcome.NotFound,
        Api.ProblemSchema_code.Request_id_conflict => Outcome.RequestIdConflict,
        Api.ProblemSchema_code.Reservation_not_open => Outcome.ReservationNotOpen,
        Api.ProblemSchema_code.Quota_insufficient => Outcome.QuotaInsufficient,
        Api.ProblemSchema_code.Too_many_open_reservations => Outcome.TooManyOpenReservations,
        Api.ProblemSchema_code.Unavailable or Api.ProblemSchema_code.Rate_limited => Outcome.Unavailable,
        Api.ProblemSchema_code.Unauthorized or Api.ProblemSchema_code.Forbidden =>
            throw new PoolAccessDeniedException(poolId, problem.Detail ?? problem.Title ?? "refused"),
        _ => throw new InvalidOperationException(
            $"client-api answered {problem.ResponseStatusCode} {problem.Code} to a pool request: {problem.Detail}", problem),
    };

    private static ValidationErrors? ErrorsOf(Api.ProblemSchema problem)
    {
        if (problem.Errors?.AdditionalData is not { Count: > 0 } fields)
        {
            return null;
        }

        var errors = new ValidationErrors();
        foreach (var (field, messages) in fields)
        {
            foreach (object message in messages as IEnumerable<object> ?? [messages])
            {
                errors.Add(field, message is UntypedString text ? text.GetValue() ?? "" : message.ToString() ?? "");
            }
        }

        return errors;
    }

    private static ReservationState State(Api.ReservationState? state) => state switch
    {
        Api.ReservationState.Reserved => ReservationState.Reserved,
        Api.ReservationState.Committed => ReservationState.Committed,
        Api.ReservationState.Released => ReservationState.Released,
        Api.ReservationState.Expired => ReservationState.Expired,
        _ => throw MissingMember("state"),
    };

    private static UntypedNode Untyped(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new JsonParseNode(document.RootElement.Clone()).GetObjectValue(UntypedNode.CreateFromDiscriminatorValue)!;
    }

    private static T Required<T>(T? value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string member = "")
        where T : class => value ?? throw MissingMember(member);

    private static T Required<T>(T? value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string member = "")
        where T : struct => value ?? throw MissingMember(member);

    private static InvalidOperationException MissingMember(string member) =>
        new($"client-api's answer lacks {member}: is it the version this client was generated for?");
}
