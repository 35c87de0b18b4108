namespace Metering.Bench;

/// <summary>What the dashboard scenario measured.</summary>
/// <param name="Accounts">Accounts of each kind with a list view.</param>
/// <param name="Setup">How each kind's accounts were made.</param>
/// <param name="Runs">Timed loads per view and opening, after one untimed warm-up.</param>
/// <param name="Browser">Chromium's version and how it was driven, for the report.</param>
internal sealed record DashboardFigures(
    int Accounts,
    IReadOnlyList<AccountSetup> Setup,
    int Runs,
    string Browser,
    IReadOnlyList<ViewTiming> Timings)
{
    /// <summary>The product target: the first view under 1 s locally ...</summary>
    public static readonly TimeSpan FirstViewTarget = TimeSpan.FromSeconds(1);

    /// <summary>... with 10,000 accounts. A smaller run (--smoke) cannot say whether it is met.</summary>
    public const int TargetAccounts = 10_000;

    /// <summary>The first view after signing in: the overview, reached by signing in.</summary>
    public ViewTiming FirstView => Timings.First(t => t.Opening == ViewOpening.SignIn);

    /// <summary>
    /// Met when the first view's median is under the target; null when the run had fewer than
    /// <see cref="TargetAccounts"/> accounts of each kind. Reported, never enforced.
    /// </summary>
    public bool? FirstViewTargetMet => Accounts >= TargetAccounts ? FirstView.MedianMs < FirstViewTarget.TotalMilliseconds : null;
}

/// <summary>The timed loads of one view reached one way: milliseconds from navigation to the view's first table visible.</summary>
internal sealed record ViewTiming(DashboardView View, ViewOpening Opening, IReadOnlyList<double> Ms)
{
    /// <summary>Nearest rank: the middle load of an odd count, the lower middle of an even one.</summary>
    public double MedianMs => Percentiles.Of(Ms, 50);

    public double MaxMs => Ms.Count > 0 ? Ms.Max() : 0;
}
