using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;
using Metering.Tests.Models;
using Metering.Tests.Support;

namespace Metering.Tests.Cluster;

/// <summary>
/// A seeded model-based test of one install: random reserves (any tier, with or without hardware),
/// commits (late or not, naming another backend or credits), releases, replays with the same or
/// another body, unknown keys, clock moves across expiries and the 1st of a month, restarts, and
/// writes whose flush fails (with another call sent while it fails), under random tier quotas
/// with and without gemini caps. After every step the grain's answer, the account and a
/// reservation must equal the model's (<see cref="InstallModel"/>) exactly. A failure names its
/// seed, step and action; <see cref="ModelSeeds"/> says how to run one seed alone or many more.
/// </summary>
public sealed class InstallModelTests(ClusterFixture fixture) : ClusterTest(fixture)
{
    private const int Steps = 50;

    private IInstallGrain _install = null!;
    private ModelRunner<InstallModel> _runner = null!;
    private Random _random = null!;
    private ModelTrace _trace = null!;
    private readonly List<string> _keys = [];
    private readonly List<InstallReserveRequest> _reserves = [];
    private readonly List<InstallCommitRequest> _commits = [];

    [Theory]
    [MemberData(nameof(ModelSeeds.Seeds), MemberType = typeof(ModelSeeds))]
    public Task RandomLifecycles_MatchTheModel(int seed) => ModelTrace.RunAsync("install", seed, trace => RunAsync(seed, trace));

    private InstallModel Model => _runner.Model;

    private async Task RunAsync(int seed, ModelTrace trace)
    {
        _random = new Random(seed);
        _trace = trace;
        string id = $"install-model-{seed}-{Guid.NewGuid():N}";
        _install = Fixture.Cluster.Client.GetGrain<IInstallGrain>(id);
        var quotas = await SetRandomQuotasAsync();
        _runner = new ModelRunner<InstallModel>(Fixture, "install", id, trace, new InstallModel(id, quotas, ModelRunner<InstallModel>.Now()));
        await CheckViewsAsync(null);

        for (int step = 0; step < Steps; step++)
        {
            string? key = await StepAsync(step);
            await CheckViewsAsync(key);
        }
    }

    /// <summary>One random step; returns the key it touched, if any, to read back.</summary>
    private async Task<string?> StepAsync(int step)
    {
        switch (_random.Next(100))
        {
            case < 28:
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

            case < 55:
            {
                _trace.Begin(step, "release");
                string key = AnyKey();
                await _runner.SendAsync(Release(key));
                return key;
            }

            case < 62:
            {
                _trace.Begin(step, "reserve again (replay or conflict)");
                var request = _reserves.Count > 0 ? Again(_reserves[_random.Next(_reserves.Count)]) : NewReserve();
                await _runner.SendAsync(Reserve(request));
                return request.RequestId;
            }

            case < 68:
            {
                _trace.Begin(step, "commit again (replay or conflict)");
                var request = _commits.Count > 0 ? Again(_commits[_random.Next(_commits.Count)]) : NewCommit(AnyKey());
                await _runner.SendAsync(Commit(request));
                return request.RequestId;
            }

            case < 70:
            {
                _trace.Begin(step, "commit or release of an unknown key");
                string key = $"unknown-{_random.Next(1000)}";
                await _runner.SendAsync(_random.Next(2) == 0 ? Commit(new InstallCommitRequest(key)) : Release(key));
                return key;
            }

            case < 72:
                _trace.Begin(step, "an invalid request (it must change nothing)");
                await _runner.SendAsync(Invalid());
                return null;

            case < 79:
            {
                var by = TimeSpan.FromSeconds(_random.Next(1, 21));
                _trace.Begin(step, $"clock +{by.TotalSeconds}s");
                ClusterFixture.Clock.Advance(by);
                return null;
            }

            case < 84:
            {
                // Onto an open hold's expiry, or a second either side: the boundary of "late" and "expired".
                var now = ModelRunner<InstallModel>.Now();
                var expiries = Model.OpenExpiries(now);
                var target = expiries.Count == 0 ? now.AddSeconds(1) : expiries[_random.Next(expiries.Count)].AddSeconds(_random.Next(-1, 2));
                target = target < now ? now : target;
                _trace.Begin(step, $"clock to {target:O} (an expiry)");
                ClockMoves.To(target);
                return null;
            }

            case < 89:
            {
                var target = ClockMoves.NextFirstOfMonth().AddSeconds(_random.Next(-20, 21));
                var now = ModelRunner<InstallModel>.Now();
                target = target < now ? now : target;
                _trace.Begin(step, $"clock to {target:O} (around the 1st of a month)");
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

    private ModelCall<InstallModel> Reserve(InstallReserveRequest request) => ModelCall<InstallModel>.Write(
        request.ToString(), (m, now) => m.Reserve(request, now), () => _install.Reserve(request), r => r.Outcome);

    private ModelCall<InstallModel> Commit(InstallCommitRequest request) => ModelCall<InstallModel>.Write(
        request.ToString(), (m, now) => m.Commit(request, now), () => _install.Commit(request), r => r.Outcome);

    private ModelCall<InstallModel> Release(string key) => ModelCall<InstallModel>.Write(
        $"release {key}", (m, now) => m.Release(key, now), () => _install.Release(key), r => r.Outcome);

    /// <summary>
    /// A request out of range or with a bad key, for a key used before or not: answered 400
    /// (with errors), whatever the key's history, and nothing changes.
    /// </summary>
    private ModelCall<InstallModel> Invalid()
    {
        string key = AnyKey();
        var reserve = new InstallReserveRequest(key, Model.Tier, false);
        return _random.Next(7) switch
        {
            0 => InvalidReserve(reserve with { Credits = -1 }),
            1 => InvalidReserve(reserve with { TtlSeconds = 0 }),
            2 => InvalidReserve(reserve with { TtlSeconds = Limits.MaxTtlSeconds + 1 }),
            3 => InvalidReserve(reserve with { RequestId = $"{key} with spaces" }),
            4 => InvalidCommit(new InstallCommitRequest(key, Credits: -1)),
            5 => InvalidCommit(new InstallCommitRequest(key, Credits: Limits.MaxAmount + 1)),
            _ => ModelCall<InstallModel>.Write(
                "release of a bad key", (_, _) => new InstallReleaseResult(Outcome.InvalidRequest), () => _install.Release($"{key}/bad"),
                r => r.Outcome, r => r.Outcome == Outcome.InvalidRequest ? r with { Errors = Present(r.Errors) } : r),
        };
    }

    private ModelCall<InstallModel> InvalidReserve(InstallReserveRequest request) => ModelCall<InstallModel>.Write(
        request.ToString(), (_, _) => new InstallReserveResult(Outcome.InvalidRequest), () => _install.Reserve(request),
        r => r.Outcome, r => r.Outcome == Outcome.InvalidRequest ? r with { Errors = Present(r.Errors) } : r);

    private ModelCall<InstallModel> InvalidCommit(InstallCommitRequest request) => ModelCall<InstallModel>.Write(
        request.ToString(), (_, _) => new InstallCommitResult(Outcome.InvalidRequest), () => _install.Commit(request),
        r => r.Outcome, r => r.Outcome == Outcome.InvalidRequest ? r with { Errors = Present(r.Errors) } : r);

    /// <summary>A refusal's errors must be there; their wording is not the model's business (compared as null).</summary>
    private static ValidationErrors? Present(ValidationErrors? errors)
    {
        Assert.NotNull(errors);
        return null;
    }

    private ModelCall<InstallModel> ReadAccount() => ModelCall<InstallModel>.Read(
        "read the account", (m, now) => m.Account(now), () => _install.GetAccount(), r => r.Outcome);

    private ModelCall<InstallModel> ReadReservation(string key) => ModelCall<InstallModel>.Read(
        $"read reservation {key}", (m, now) => m.Reservation(key, now), () => _install.GetReservation(key), r => r.Outcome);

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

    private (string Key, ModelCall<InstallModel> Call) RandomWrite()
    {
        switch (_random.Next(3))
        {
            case 0:
                var reserve = NewReserve();
                return (reserve.RequestId, Reserve(reserve));
            case 1:
                var commit = NewCommit(AnyKey());
                return (commit.RequestId, Commit(commit));
            default:
                string key = AnyKey();
                return (key, Release(key));
        }
    }

    /// <summary>Any call: a write (new, or again), or a read.</summary>
    private ModelCall<InstallModel> RandomCall() => _random.Next(6) switch
    {
        0 => ReadAccount(),
        1 => ReadReservation(AnyKey()),
        2 when _reserves.Count > 0 => Reserve(Again(_reserves[_random.Next(_reserves.Count)])),
        3 when _commits.Count > 0 => Commit(Again(_commits[_random.Next(_commits.Count)])),
        _ => RandomWrite().Call,
    };

    private async Task CheckViewsAsync(string? key)
    {
        await _runner.SendAsync(ReadAccount());
        key ??= _keys.Count > 0 ? AnyKey() : null;
        if (key is not null)
        {
            await _runner.SendAsync(ReadReservation(key));
        }
    }

    private InstallReserveRequest NewReserve()
    {
        string key = $"r{_keys.Count}";
        _keys.Add(key);
        var tier = _random.Next(3) == 0 ? (Tier)_random.Next(3) : Model.Tier;
        long credits = _random.Next(6) == 0 ? 0 : _random.Next(1, 15);
        var request = new InstallReserveRequest(key, tier, _random.Next(2) == 0, credits, _random.Next(1, 31));
        _reserves.Add(request);
        return request;
    }

    /// <summary>A commit: half the time with the reserved credits, a quarter of the time naming a backend.</summary>
    private InstallCommitRequest NewCommit(string key)
    {
        var request = new InstallCommitRequest(
            key,
            _random.Next(4) == 0 ? (Backend)_random.Next(2) : null,
            _random.Next(2) == 0 ? null : _random.Next(0, 18));
        _commits.Add(request);
        return request;
    }

    /// <summary>The same reserve again (half the time), or one with another body.</summary>
    private InstallReserveRequest Again(InstallReserveRequest earlier)
    {
        var request = _random.Next(4) switch
        {
            0 or 1 => earlier,
            2 => _random.Next(2) == 0
                ? earlier with { Tier = (Tier)(((int)earlier.Tier + 1) % 3) }
                : earlier with { HasHardware = !earlier.HasHardware },
            _ => _random.Next(2) == 0
                ? earlier with { Credits = earlier.Credits + 1 }
                : earlier with { TtlSeconds = earlier.TtlSeconds + 1 },
        };
        _reserves.Add(request);
        return request;
    }

    /// <summary>The same commit again, the same meaning spelled otherwise (defaults named), or another body.</summary>
    private InstallCommitRequest Again(InstallCommitRequest earlier)
    {
        var hold = Model.Hold(earlier.RequestId);
        return _random.Next(4) switch
        {
            0 => earlier,
            1 when hold is not null => earlier with
            {
                Backend = earlier.Backend ?? hold.Backend,
                Credits = earlier.Credits ?? hold.Request.Credits,
            },
            2 => earlier with { Credits = (earlier.Credits ?? hold?.Request.Credits ?? 0) + 1 },
            _ => earlier with { Backend = (earlier.Backend ?? hold?.Backend ?? Backend.Gemini) == Backend.Gemini ? Backend.Hardware : Backend.Gemini },
        };
    }

    /// <summary>A key used before (often a recent one), or now and then one never reserved.</summary>
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

    /// <summary>
    /// Sets every tier's quota at random (the default, or a small lifetime, monthly or unlimited
    /// quota, with or without a gemini cap); the fixture puts the defaults back before the next test.
    /// </summary>
    private async Task<TierQuotas> SetRandomQuotasAsync()
    {
        var quotasGrain = Fixture.Cluster.Client.GetGrain<ITierQuotasGrain>(ITierQuotasGrain.Key);
        var quotas = TierQuotas.Defaults;
        foreach (var tier in Enum.GetValues<Tier>())
        {
            long? cap = _random.Next(2) == 0 ? null : _random.Next(0, 40);
            var quota = _random.Next(4) switch
            {
                0 => TierQuota.DefaultFor(tier),
                1 => new TierQuota(_random.Next(0, 80), null, cap, null),
                2 => new TierQuota(null, _random.Next(0, 80), null, cap),
                _ => new TierQuota(null, null, null, cap),
            };
            Assert.Equal(Outcome.Ok, (await quotasGrain.Set(tier, quota)).Outcome);
            quotas = quotas.With(tier, quota);
            _trace.Note($"{tier}: lifetime {quota.Lifetime}, monthly {quota.Monthly}, gemini caps {quota.GeminiCapLifetime} / {quota.GeminiCapMonthly}");
        }

        return quotas;
    }
}
