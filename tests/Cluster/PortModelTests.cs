using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Ports;
using Metering.Tests.Models;
using Metering.Tests.Support;

namespace Metering.Tests.Cluster;

/// <summary>
/// A seeded model-based test of one port: random budget changes (enabled or not, soft and hard
/// caps, day, week or month periods, invalid ones), reserves, commits (late or not, under another
/// feature), usage records, releases, replays with the same or another body, unknown keys, clock
/// moves across expiries, midnights, Mondays and the 1st of a month, restarts and failed writes.
/// After every step the grain's answer and its views (port, usage overall and per feature,
/// breakdown, a reservation) must equal the model's (<see cref="PortModel"/>) exactly. A failure
/// names its seed, step and action; <see cref="ModelSeeds"/> says how to run one seed alone or many more.
/// </summary>
public sealed class PortModelTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const int Steps = 50;
    private const string Admin = "model-admin";

    private static readonly string[] Features = ["chat", "search", "code"];

    private IPortGrain _port = null!;
    private ModelRunner<PortModel> _runner = null!;
    private Random _random = null!;
    private ModelTrace _trace = null!;
    private readonly List<string> _keys = [];
    private readonly List<PortReserveRequest> _reserves = [];
    private readonly List<PortCommitRequest> _commits = [];
    private readonly List<PortUsageRequest> _usages = [];

    [Theory]
    [MemberData(nameof(ModelSeeds.Seeds), MemberType = typeof(ModelSeeds))]
    public Task RandomLifecycles_MatchTheModel(int seed) => ModelTrace.RunAsync("port", seed, trace => RunAsync(seed, trace));

    private PortModel Model => _runner.Model;

    private async Task RunAsync(int seed, ModelTrace trace)
    {
        _random = new Random(seed);
        _trace = trace;
        string id = $"port-model-{seed}-{Guid.NewGuid():N}";
        _port = Fixture.Cluster.Client.GetGrain<IPortGrain>(id);
        _runner = new ModelRunner<PortModel>(Fixture, "port", id, trace, new PortModel(id));
        await CheckViewsAsync(null);
        if (_random.Next(5) != 0)
        {
            // Most seeds start with a small enabled budget, so that caps bind.
            long hard = _random.Next(0, 400);
            var patch = new PortBudgetPatch(true, _random.Next(0, (int)hard + 1), hard, (BudgetPeriod)_random.Next(3));
            _trace.Begin(-1, "enable a budget");
            await _runner.SendAsync(SetBudget(patch));
        }

        for (int step = 0; step < Steps; step++)
        {
            string? key = await StepAsync(step);
            await CheckViewsAsync(key);
        }
    }

    /// <summary>One random step; returns the reservation key it touched, if any, to read back.</summary>
    private async Task<string?> StepAsync(int step)
    {
        switch (_random.Next(100))
        {
            case < 8:
                _trace.Begin(step, "budget change");
                await _runner.SendAsync(SetBudget(NewPatch()));
                return null;

            case < 30:
            {
                _trace.Begin(step, "reserve");
                var request = NewReserve();
                await _runner.SendAsync(Reserve(request));
                return request.RequestId;
            }

            case < 44:
            {
                _trace.Begin(step, "commit");
                var request = NewCommit(AnyKey());
                await _runner.SendAsync(Commit(request));
                return request.RequestId;
            }

            case < 52:
            {
                _trace.Begin(step, "release");
                string key = AnyKey();
                await _runner.SendAsync(Release(key));
                return key;
            }

            case < 59:
                _trace.Begin(step, "usage without a reservation");
                await _runner.SendAsync(Usage(NewUsage()));
                return null;

            case < 67:
            {
                _trace.Begin(step, "reserve, commit or usage again (replay or conflict)");
                switch (_random.Next(3))
                {
                    case 0 when _reserves.Count > 0:
                        var reserve = Again(_reserves[_random.Next(_reserves.Count)]);
                        await _runner.SendAsync(Reserve(reserve));
                        return reserve.RequestId;
                    case 1 when _commits.Count > 0:
                        var commit = Again(_commits[_random.Next(_commits.Count)]);
                        await _runner.SendAsync(Commit(commit));
                        return commit.RequestId;
                    case 2 when _usages.Count > 0:
                        await _runner.SendAsync(Usage(Again(_usages[_random.Next(_usages.Count)])));
                        return null;
                    default:
                        await _runner.SendAsync(Usage(NewUsage()));
                        return null;
                }
            }

            case < 69:
            {
                _trace.Begin(step, "commit or release of an unknown key");
                string key = $"unknown-{_random.Next(1000)}";
                await _runner.SendAsync(_random.Next(2) == 0 ? Commit(new PortCommitRequest(key, 1, 1, "provider", "model")) : Release(key));
                return key;
            }

            case < 71:
                _trace.Begin(step, "an invalid request (it must change nothing)");
                await _runner.SendAsync(Invalid());
                return null;

            case < 75:
            {
                var by = TimeSpan.FromSeconds(_random.Next(1, 21));
                _trace.Begin(step, $"clock +{by.TotalSeconds}s");
                ClusterFixture.Clock.Advance(by);
                return null;
            }

            case < 80:
            {
                // Onto an open hold's expiry, or a second either side: the boundary of "late" and "expired".
                var now = ModelRunner<PortModel>.Now();
                var expiries = Model.OpenExpiries(now);
                var target = expiries.Count == 0 ? now.AddSeconds(1) : expiries[_random.Next(expiries.Count)].AddSeconds(_random.Next(-1, 2));
                target = target < now ? now : target;
                _trace.Begin(step, $"clock to {target:O} (an expiry)");
                ClockMoves.To(target);
                return null;
            }

            case < 89:
            {
                var now = ModelRunner<PortModel>.Now();
                var edge = _random.Next(4) switch
                {
                    0 => ClockMoves.NextMidnight(),
                    1 => ClockMoves.NextMonday(),
                    2 => ClockMoves.NextFirstOfMonth(),
                    _ => now.AddHours(_random.Next(1, 49)),
                };
                var target = edge.AddSeconds(_random.Next(-20, 21));
                target = target < now ? now : target;
                _trace.Begin(step, $"clock to {target:O} ({target.DayOfWeek})");
                ClockMoves.To(target);
                return null;
            }

            case < 94:
                _trace.Begin(step, "restart");
                await ModelFaults.RestartAsync(Fixture);
                return null;

            default:
                _trace.Begin(step, "a write whose flush fails");
                return await FailOneWriteAsync();
        }
    }

    private ModelCall<PortModel> SetBudget(PortBudgetPatch patch) => ModelCall<PortModel>.Write(
        $"budget change {patch}", (m, now) => m.SetBudget(patch, Admin, now), () => _port.SetBudget(patch, Admin), r => r.Outcome,
        WithoutErrors);

    /// <summary>A refused budget change without its errors: their wording is not the model's business; that there are some is.</summary>
    private static PortBudgetResult WithoutErrors(PortBudgetResult result) =>
        result.Outcome == Outcome.InvalidRequest ? result with { Errors = Present(result.Errors) } : result;

    /// <summary>A refusal's errors must be there; their wording is not the model's business (compared as null).</summary>
    private static ValidationErrors? Present(ValidationErrors? errors)
    {
        Assert.NotNull(errors);
        return null;
    }

    /// <summary>
    /// A request out of range or with a bad key or label, for a key used before or not: answered
    /// 400 (with errors), whatever the key's history, and nothing changes.
    /// </summary>
    private ModelCall<PortModel> Invalid()
    {
        string key = AnyKey();
        var reserve = new PortReserveRequest(key, 1, Feature());
        var commit = new PortCommitRequest(key, 1, 1, Provider(), ModelName());
        var usage = new PortUsageRequest(key, 1, 1, Provider(), ModelName(), Feature());
        return _random.Next(9) switch
        {
            0 => InvalidReserve(reserve with { EstimatedTokens = -1 }),
            1 => InvalidReserve(reserve with { Feature = "" }),
            2 => InvalidReserve(reserve with { TtlSeconds = 0 }),
            3 => InvalidCommit(commit with { InputTokens = -1 }),
            4 => InvalidCommit(commit with { Provider = "" }),
            5 => InvalidCommit(commit with { OutputTokens = Limits.MaxAmount }),
            6 => InvalidUsage(usage with { Feature = "" }),
            7 => InvalidUsage(usage with { RequestId = $"{key} with spaces" }),
            _ => SetBudget(_random.Next(2) == 0 ? new PortBudgetPatch(SoftCapTokens: -1) : new PortBudgetPatch(HardCapTokens: Limits.MaxAmount + 1)),
        };
    }

    private ModelCall<PortModel> InvalidReserve(PortReserveRequest request) => ModelCall<PortModel>.Write(
        request.ToString(), (_, _) => new PortReserveResult(Outcome.InvalidRequest), () => _port.Reserve(request),
        r => r.Outcome, r => r.Outcome == Outcome.InvalidRequest ? r with { Errors = Present(r.Errors) } : r);

    private ModelCall<PortModel> InvalidCommit(PortCommitRequest request) => ModelCall<PortModel>.Write(
        request.ToString(), (_, _) => new PortCommitResult(Outcome.InvalidRequest), () => _port.Commit(request),
        r => r.Outcome, r => r.Outcome == Outcome.InvalidRequest ? r with { Errors = Present(r.Errors) } : r);

    private ModelCall<PortModel> InvalidUsage(PortUsageRequest request) => ModelCall<PortModel>.Write(
        request.ToString(), (_, _) => new PortUsageResult(Outcome.InvalidRequest), () => _port.RecordUsage(request),
        r => r.Outcome, r => r.Outcome == Outcome.InvalidRequest ? r with { Errors = Present(r.Errors) } : r);

    private ModelCall<PortModel> Reserve(PortReserveRequest request) => ModelCall<PortModel>.Write(
        request.ToString(), (m, now) => m.Reserve(request, now), () => _port.Reserve(request), r => r.Outcome);

    private ModelCall<PortModel> Commit(PortCommitRequest request) => ModelCall<PortModel>.Write(
        request.ToString(), (m, now) => m.Commit(request, now), () => _port.Commit(request), r => r.Outcome);

    private ModelCall<PortModel> Release(string key) => ModelCall<PortModel>.Write(
        $"release {key}", (m, now) => m.Release(key, now), () => _port.Release(key), r => r.Outcome);

    private ModelCall<PortModel> Usage(PortUsageRequest request) => ModelCall<PortModel>.Write(
        request.ToString(), (m, now) => m.RecordUsage(request, now), () => _port.RecordUsage(request), r => r.Outcome);

    private ModelCall<PortModel> ReadPort() => ModelCall<PortModel>.Read(
        "read the port", (m, now) => m.Port(now), () => _port.GetPort(), r => r.Outcome);

    private ModelCall<PortModel> ReadUsage(string? feature) => ModelCall<PortModel>.Read(
        $"read usage of {feature ?? "every feature"}", (m, now) => m.Usage(feature, now), () => _port.GetUsage(feature), r => r.Outcome);

    private ModelCall<PortModel> ReadReservation(string key) => ModelCall<PortModel>.Read(
        $"read reservation {key}", (m, now) => m.Reservation(key, now), () => _port.GetReservation(key), r => r.Outcome);

    private ModelCall<PortModel> ReadBudget() => ModelCall<PortModel>.Read(
        "read the budget", (m, _) => new PortBudgetResult(Outcome.Ok, m.Budget), () => _port.GetBudget(), r => r.Outcome);

    /// <summary>
    /// Makes one write that would stage fail at its flush, half the time with another call sent
    /// while it fails; then, half the time, retries it: never acknowledged, it is judged afresh.
    /// </summary>
    private async Task<string?> FailOneWriteAsync()
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            var (key, write) = RandomWrite();
            var alongside = _random.Next(2) == 0 ? null : RandomCall();
            if (!await _runner.SendFailingAsync(write, alongside))
            {
                continue;
            }

            // Against the model as it was: nothing of the failed write may show.
            await CheckViewsAsync(key);
            if (_random.Next(2) == 0)
            {
                _trace.Note("retry it");
                await _runner.SendAsync(write);
            }

            return key;
        }

        _trace.Note("no write to fail");
        return null;
    }

    private (string? Key, ModelCall<PortModel> Call) RandomWrite()
    {
        switch (_random.Next(5))
        {
            case 0:
                var reserve = NewReserve();
                return (reserve.RequestId, Reserve(reserve));
            case 1:
                var commit = NewCommit(AnyKey());
                return (commit.RequestId, Commit(commit));
            case 2:
                string key = AnyKey();
                return (key, Release(key));
            case 3:
                return (null, Usage(NewUsage()));
            default:
                return (null, SetBudget(NewPatch()));
        }
    }

    /// <summary>Any call: a write (new, or again), or a read.</summary>
    private ModelCall<PortModel> RandomCall() => _random.Next(8) switch
    {
        0 => ReadPort(),
        1 => ReadUsage(_random.Next(2) == 0 ? null : Feature()),
        2 => ReadReservation(AnyKey()),
        3 => ReadBudget(),
        4 when _reserves.Count > 0 => Reserve(Again(_reserves[_random.Next(_reserves.Count)])),
        5 when _usages.Count > 0 => Usage(Again(_usages[_random.Next(_usages.Count)])),
        _ => RandomWrite().Call,
    };

    private async Task CheckViewsAsync(string? key)
    {
        await _runner.SendAsync(ReadPort());
        await _runner.SendAsync(ReadUsage(null));
        await _runner.SendAsync(ReadUsage(Feature()));
        var breakdown = await _port.GetBreakdown();
        Assert.Equal(Outcome.Ok, breakdown.Outcome);
        Assert.Equal(Model.Breakdown(ModelRunner<PortModel>.Now()), breakdown.Items);
        key ??= _keys.Count > 0 ? AnyKey() : null;
        if (key is not null)
        {
            await _runner.SendAsync(ReadReservation(key));
        }
    }

    /// <summary>A partial budget change; some are invalid (a soft cap above the hard cap once merged).</summary>
    private PortBudgetPatch NewPatch() => new(
        _random.Next(10) switch
        {
            < 3 => null,
            < 8 => true,
            _ => false,
        },
        _random.Next(2) == 0 ? null : _random.Next(0, 300),
        _random.Next(2) == 0 ? null : _random.Next(0, 400),
        _random.Next(2) == 0 ? null : (BudgetPeriod)_random.Next(3));

    private PortReserveRequest NewReserve()
    {
        string key = $"r{_keys.Count}";
        _keys.Add(key);
        var request = new PortReserveRequest(key, _random.Next(6) == 0 ? 0 : _random.Next(1, 120), Feature(), _random.Next(1, 31));
        _reserves.Add(request);
        return request;
    }

    /// <summary>A commit: often under the reservation's feature (unnamed), sometimes under another.</summary>
    private PortCommitRequest NewCommit(string key)
    {
        var request = new PortCommitRequest(
            key, _random.Next(0, 60), _random.Next(0, 60), Provider(), ModelName(), _random.Next(3) == 0 ? Feature() : null, UserId());
        _commits.Add(request);
        return request;
    }

    private PortUsageRequest NewUsage()
    {
        var request = new PortUsageRequest(
            $"u{_usages.Count}", _random.Next(0, 60), _random.Next(0, 60), Provider(), ModelName(), Feature(), UserId());
        _usages.Add(request);
        return request;
    }

    /// <summary>The same reserve again (half the time), or one with another body.</summary>
    private PortReserveRequest Again(PortReserveRequest earlier)
    {
        var request = _random.Next(5) switch
        {
            0 or 1 => earlier,
            2 => earlier with { EstimatedTokens = earlier.EstimatedTokens + 1 },
            3 => earlier with { Feature = OtherFeature(earlier.Feature) },
            _ => earlier with { TtlSeconds = earlier.TtlSeconds + 1 },
        };
        _reserves.Add(request);
        return request;
    }

    /// <summary>The same commit again, the same meaning spelled otherwise (the feature named), or another body.</summary>
    private PortCommitRequest Again(PortCommitRequest earlier)
    {
        var hold = Model.Hold(earlier.RequestId);
        return _random.Next(6) switch
        {
            0 => earlier,
            1 when hold is not null => earlier with { Feature = earlier.Feature ?? hold.Request.Feature },
            2 => earlier with { InputTokens = earlier.InputTokens + 1 },
            3 => earlier with { Feature = OtherFeature(earlier.Feature ?? hold?.Request.Feature ?? Features[0]) },
            4 => earlier with { UserId = earlier.UserId is null ? "user-x" : null },
            _ => earlier with { Model = earlier.Model + "-other" },
        };
    }

    /// <summary>The same usage record again, or one with another body.</summary>
    private PortUsageRequest Again(PortUsageRequest earlier) => _random.Next(4) switch
    {
        0 or 1 => earlier,
        2 => earlier with { OutputTokens = earlier.OutputTokens + 1 },
        _ => earlier with { Feature = OtherFeature(earlier.Feature) },
    };

    /// <summary>A key used before (often a recent one), or a fresh one never reserved.</summary>
    private string AnyKey()
    {
        if (_keys.Count == 0 || _random.Next(20) == 0)
        {
            return $"never-{_random.Next(1000)}";
        }

        return _random.Next(2) == 0
            ? _keys[Math.Max(0, _keys.Count - 1 - _random.Next(4))]
            : _keys[_random.Next(_keys.Count)];
    }

    private string Feature() => Features[_random.Next(Features.Length)];

    private static string OtherFeature(string feature) => Features[(Array.IndexOf(Features, feature) + 1) % Features.Length];

    private string Provider() => _random.Next(2) == 0 ? "openai" : "anthropic";

    private string ModelName() => _random.Next(2) == 0 ? "model-a" : "model-b";

    private string? UserId() => _random.Next(2) == 0 ? null : $"user-{_random.Next(3)}";
}
