using Metering.Faults;
using Metering.Faults.Faults;

namespace Metering.Tests.Faults;

/// <summary>
/// The short run of the fault harness (docs/reliability.md): real silo and client-api processes
/// over a real PostgreSQL, load on every account kind through two front ends, each fault once,
/// then every promise checked against the recorded history. The long runs are scripts/faults.sh.
/// </summary>
[Collection(FaultHarnessCollection.Name)]
public sealed class FaultHarnessTests
{
    [Fact]
    public async Task ShortRun_EveryFaultOnce_KeepsEveryPromise()
    {
        var options = HarnessOptions.Parse(["--short", "--duration", "30", "--workers", "12", "--name", "ci"]);
        var output = TestContext.Current.TestOutputHelper;

        var report = await FaultRun.RunAsync(options, line => output?.WriteLine(line));

        output?.WriteLine(report.ToMarkdown("scripts/faults.sh --short --duration 30 --workers 12"));
        Assert.Equal(Enum.GetValues<FaultKind>().Length, report.Faults.Count);
        Assert.True(report.Ops.Count(o => o.Outcome == Metering.Faults.Load.OpOutcome.Ok) > 1_000, "too little load was acknowledged to test anything");
        Assert.True(report.Passed, string.Join(Environment.NewLine, report.Result.Violations.Take(30)));
    }
}
