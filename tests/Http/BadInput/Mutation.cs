namespace Metering.Tests.Http.BadInput;

/// <summary>
/// One way to break a request and what the contract answers for it. Mutations of one request
/// touch distinct <see cref="Slot"/>s (a member, a path parameter, the whole body, the key...).
/// A <see cref="Neutral"/> mutation (a content type, chunked transfer) does not make a request
/// invalid on its own: it is only ever sent together with one that does.
/// </summary>
/// <param name="Category">What kind of bad input, for the summary (<c>type</c>, <c>range</c>, <c>truncated</c>...).</param>
/// <param name="Slot">What it changes; two mutations of one request never share a slot.</param>
/// <param name="Label">A short description for failure messages.</param>
/// <param name="ErrorKey">The member of <c>errors</c> a 400 names (null: none, or not a 400).</param>
/// <param name="Alone">Changes several members at once: combined with neutral mutations only.</param>
/// <param name="Neutral">Valid on its own (its stage and error key are not used).</param>
internal sealed record Mutation(
    string Category, string Slot, string Label, Stage Stage, string? ErrorKey, Action<Draft> Apply,
    bool Neutral = false, bool Alone = false)
{
    public override string ToString() => $"{Category}:{Label}";
}
