namespace Metering.Faults.Checks;

/// <summary>What the check found: the figures of the report and every broken promise, named.</summary>
internal sealed class CheckResult
{
    private readonly List<string> _violations = [];

    public IReadOnlyList<string> Violations => _violations;

    /// <summary>Acknowledged operations whose effect is missing afterwards (target 0).</summary>
    public int LostAcknowledged { get; set; }

    /// <summary>Accounts whose consumption passed their hard limit (target 0).</summary>
    public int OverspentAccounts { get; set; }

    /// <summary>Keys with more than one effect, or counters that differ from the sum of their durable effects (target 0).</summary>
    public int DuplicateEffects { get; set; }

    /// <summary>Replays (during the run and after it) whose answer differed from the first answer (target 0).</summary>
    public int ReplayMismatches { get; set; }

    public int ReplaysChecked { get; set; }

    /// <summary>Operations whose outcome was unknown and that turned out applied (once) / not applied.</summary>
    public int UnknownApplied { get; set; }

    public int UnknownNotApplied { get; set; }

    /// <summary>Invoice lines that differ from a recomputation from the stored events (target 0).</summary>
    public int InvoiceMismatches { get; set; }

    public int InvoicesChecked { get; set; }

    public int AccountsChecked { get; set; }

    public bool Passed => _violations.Count == 0;

    public void Violation(string what)
    {
        lock (_violations)
        {
            _violations.Add(what);
        }
    }
}
