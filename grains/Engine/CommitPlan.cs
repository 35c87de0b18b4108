using Metering.GrainInterfaces.Common;
using Metering.Grains.Storage;

namespace Metering.Grains.Engine;

/// <summary>
/// What an account kind decides for a commit in its synchronous step: refuse it (invalid, or a
/// bound; nothing changes), or the account after it, the receipt, the amount recorded on the hold, the
/// hold's detail after it, a row of the kind's own to write with it, and what to apply to the
/// kind's side state once the change is staged.
/// </summary>
internal sealed record CommitPlan<TAccount, TDetail, TReceipt>(
    Outcome? Refusal,
    ValidationErrors? Invalid,
    TAccount? Account,
    TReceipt? Receipt,
    long CommittedAmount,
    TDetail? Detail = default,
    SideRow? SideRow = null,
    Action? AfterStage = null)
    where TAccount : class
    where TReceipt : class
{
    public static CommitPlan<TAccount, TDetail, TReceipt> Refuse(ValidationErrors errors) => new(Outcome.InvalidRequest, errors, null, null, 0);

    public static CommitPlan<TAccount, TDetail, TReceipt> Refuse(Outcome outcome) => new(outcome, null, null, null, 0);

    public static CommitPlan<TAccount, TDetail, TReceipt> Apply(
        TAccount account, TReceipt receipt, long committedAmount, TDetail? detail = default, SideRow? sideRow = null, Action? afterStage = null) =>
        new(null, null, account, receipt, committedAmount, detail, sideRow, afterStage);
}
