namespace Metering.Bench;

/// <summary>How the dashboard scenario reaches a view before its first table shows.</summary>
internal enum ViewOpening
{
    /// <summary>The key typed in and "Sign in" pressed: the overview is the first view after it.</summary>
    SignIn,

    /// <summary>The address opened in a tab already signed in: the page itself (HTML, CSS, script) loads, then the view's data.</summary>
    PageLoad,

    /// <summary>From another view of the open page (the address's hash changes, as a link does): only the view's data loads.</summary>
    InPage,
}
