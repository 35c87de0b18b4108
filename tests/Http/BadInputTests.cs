using System.Globalization;
using Metering.Tests.Http.BadInput;
using Metering.Tests.Support;

namespace Metering.Tests.Http;

/// <summary>
/// Bad input at volume (issue #9, item 4): generated requests on every route that takes input,
/// each answered with its 4xx problem (never a 5xx), and none changes anything. The generator is
/// seeded; <c>METERING_BADINPUT_SEED</c> replays a run, <c>METERING_BADINPUT_COUNT</c> sends more
/// (at least 10,000 by default) and <c>METERING_BADINPUT_PARALLEL</c> sets how many go at once.
/// </summary>
public sealed class BadInputTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const int DefaultCount = 10_000;
    private const int DefaultParallelism = 8;

    [Fact]
    public async Task Generator_CoversEveryMappedRouteThatTakesInput()
    {
        var mapped = await MappedRoutes.ReadAsync(Fixture.Cluster.Client);
        var generated = new BadInputGenerator(Targets.Fresh(), seed: 1).Routes.Select(r => r.Name);

        var takingInput = mapped.Where(r => !RouteCatalog.TakesNoInput.ContainsKey(r)).ToHashSet(StringComparer.Ordinal);
        Assert.True(takingInput.SetEquals(generated),
            $"mapped but not generated: [{string.Join(", ", takingInput.Except(generated))}]; generated but not mapped: [{string.Join(", ", generated.Except(takingInput))}]");
        Assert.All(RouteCatalog.TakesNoInput.Keys, route => Assert.Contains(route, mapped));
        Assert.Equal(mapped.Count, mapped.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task BadInput_AtVolume_IsA4xxProblemNeverA5xx_AndChangesNothing()
    {
        int seed = Setting("METERING_BADINPUT_SEED") ?? Random.Shared.Next();
        int count = Setting("METERING_BADINPUT_COUNT") ?? DefaultCount;
        int parallelism = Setting("METERING_BADINPUT_PARALLEL") ?? DefaultParallelism;
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"seed {seed} (replay with METERING_BADINPUT_SEED={seed})");
        var targets = Targets.Fresh();
        await AccountState.SetUpAsync(Fixture.Http, targets);
        var before = await AccountState.ReadAsync(Fixture.Http, Fixture.ConnectionString, targets);
        var generator = new BadInputGenerator(targets, seed);
        var requests = generator.Generate(count);

        var runner = new BadInputRunner(Fixture.Http, parallelism);
        await runner.RunAsync(requests, TestContext.Current.CancellationToken);
        var after = await AccountState.ReadAsync(Fixture.Http, Fixture.ConnectionString, targets);

        output?.WriteLine(runner.Summary(seed));
        var problems = new List<string>();
        string diff = AccountState.Diff(before, after);
        if (diff.Length > 0)
        {
            problems.Add($"bad requests changed state:\n{diff}");
        }

        if (runner.Failed > 0)
        {
            problems.Add($"{runner.Failed} of {runner.Sent} bad requests were answered wrongly ({runner.ServerErrors} with a 5xx); by kind, most frequent first:\n\n"
                + string.Join("\n\n", runner.Failures));
        }

        Assert.True(problems.Count == 0, $"seed {seed} (replay with METERING_BADINPUT_SEED={seed}): " + string.Join("\n\n", problems));
        Assert.Equal(0, runner.ServerErrors);
        Assert.True(runner.Sent >= count, $"{runner.Sent} requests sent, {count} wanted");
        Assert.All(generator.Routes, route => Assert.True(runner.ByRoute.GetValueOrDefault(route.Name) > 0, $"no request for {route.Name}"));
    }

    private static int? Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
}
