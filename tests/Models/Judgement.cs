namespace Metering.Tests.Models;

/// <summary>How a call's answer is judged against the model's.</summary>
internal enum Judgement
{
    /// <summary>It must equal the model's; the model then keeps what the call changed.</summary>
    Exact,

    /// <summary>Its flush was made to fail: it must be Unavailable, and the model stays as it was.</summary>
    Unavailable,

    /// <summary>
    /// Sent while another write's flush was failing: Unavailable (the model stays as it was), or
    /// exactly the model's answer (then the model keeps the change), never anything else: no
    /// answer may rest on changes that were never committed.
    /// </summary>
    ExactOrUnavailable,
}
