using Xunit.Sdk;

namespace Metering.Tests.Models;

/// <summary>
/// What a seeded model test did so far, so that a failure says which seed, which step and which
/// action failed, with the steps that led there, and how to run that seed alone.
/// </summary>
internal sealed class ModelTrace(string kind, int seed)
{
    /// <summary>Lines of the trace a failure repeats (the last ones).</summary>
    private const int LinesShown = 60;

    private readonly List<string> _lines = ["setup"];
    private int _step = -1;
    private string _action = "setup";

    /// <summary>Starts a step.</summary>
    public void Begin(int step, string action)
    {
        _step = step;
        _action = action;
        _lines.Add($"#{step} {action}");
    }

    /// <summary>Adds a detail to the current step.</summary>
    public void Note(string detail) => _lines.Add($"    {detail}");

    /// <summary>Runs a model test body, rethrowing any failure with the seed, step and trace.</summary>
    public static async Task RunAsync(string kind, int seed, Func<ModelTrace, Task> body)
    {
        var trace = new ModelTrace(kind, seed);
        try
        {
            await body(trace);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw trace.Failure(error);
        }
    }

    private XunitException Failure(Exception error)
    {
        var shown = _lines.Skip(Math.Max(0, _lines.Count - LinesShown));
        return new XunitException(
            $"{kind} model: seed {seed} failed at step {_step} ({_action}).{Environment.NewLine}" +
            $"Run it alone: {ModelSeeds.SeedVariable}={seed} dotnet test --filter \"FullyQualifiedName~{char.ToUpperInvariant(kind[0])}{kind[1..]}ModelTests\"{Environment.NewLine}" +
            $"Last steps:{Environment.NewLine}{string.Join(Environment.NewLine, shown)}",
            error);
    }
}
