using System.Reflection;
using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Common;
using Metering.GrainInterfaces.Installs;

namespace Metering.Tests.Unit;

public sealed class ConventionTests
{
    private static readonly Assembly[] WireAssemblies = [typeof(Outcome).Assembly, typeof(Metering.Grains.Installs.InstallGrain).Assembly];

    [Fact]
    public void EverySerializedType_HasAnAlias()
    {
        var missing = WireAssemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null)
            .Where(t => t.GetCustomAttribute<AliasAttribute>() is null)
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void EveryGrainInterfaceAndMethod_HasAnAlias()
    {
        var missing = new List<string>();
        foreach (var type in typeof(Outcome).Assembly.GetTypes().Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t)))
        {
            if (type.GetCustomAttribute<AliasAttribute>() is null)
            {
                missing.Add(type.FullName!);
            }

            missing.AddRange(type.GetMethods().Where(m => m.GetCustomAttribute<AliasAttribute>() is null).Select(m => $"{type.Name}.{m.Name}"));
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void EveryFailureOutcome_MapsToOneProblem()
    {
        var codes = new HashSet<string>();
        foreach (var outcome in Enum.GetValues<Outcome>().Where(o => !OutcomeProblems.IsSuccess(o)))
        {
            var problem = OutcomeProblems.For(outcome);
            Assert.InRange(problem.Status, 400, 599);
            Assert.True(codes.Add(problem.Code), $"{problem.Code} is used twice");
        }
    }

    [Theory]
    [InlineData(Outcome.InvalidRequest, 400, "invalid_request")]
    [InlineData(Outcome.NotFound, 404, "not_found")]
    [InlineData(Outcome.RequestIdConflict, 409, "request_id_conflict")]
    [InlineData(Outcome.ReservationNotOpen, 409, "reservation_not_open")]
    [InlineData(Outcome.OutOfCredits, 402, "out_of_credits")]
    [InlineData(Outcome.GeminiCapExceededNoHardware, 402, "gemini_cap_exceeded_no_hardware")]
    [InlineData(Outcome.QuotaInsufficient, 402, "quota_insufficient")]
    [InlineData(Outcome.HardCapExceeded, 402, "hard-cap-exceeded")]
    [InlineData(Outcome.EstimatedExceedsCap, 402, "estimated-exceeds-cap")]
    [InlineData(Outcome.TooManyOpenReservations, 429, "too_many_open_reservations")]
    [InlineData(Outcome.TooManyFeatures, 429, "too_many_features")]
    [InlineData(Outcome.Unavailable, 503, "unavailable")]
    public void Outcome_MapsToTheContractsStatusAndCode(Outcome outcome, int status, string code)
    {
        var problem = OutcomeProblems.For(outcome);

        Assert.Equal(status, problem.Status);
        Assert.Equal(code, problem.Code);
    }

    [Fact]
    public void Identifier_BoundaryTable()
    {
        Assert.True(Identifier.IsValid("a"));
        Assert.True(Identifier.IsValid(new string('x', 128)));
        Assert.True(Identifier.IsValid("A-Z.a_z:0@9"));
        Assert.False(Identifier.IsValid(""));
        Assert.False(Identifier.IsValid(null));
        Assert.False(Identifier.IsValid(new string('x', 129)));
        Assert.False(Identifier.IsValid("a b"));
        Assert.False(Identifier.IsValid("a/b"));
        Assert.False(Identifier.IsValid("a\0b"));
        Assert.False(Identifier.IsValid("é"));
    }

    [Fact]
    public void ReserveRequest_Validate_BoundaryTable()
    {
        Assert.Null(new InstallReserveRequest("r", Tier.Core, false, 0, 1).Validate());
        Assert.Null(new InstallReserveRequest("r", Tier.Core, false, Limits.MaxAmount, 86_400).Validate());
        Assert.NotNull(new InstallReserveRequest("r", Tier.Core, false, -1).Validate());
        Assert.NotNull(new InstallReserveRequest("r", Tier.Core, false, Limits.MaxAmount + 1).Validate());
        Assert.NotNull(new InstallReserveRequest("r", Tier.Core, false, 1, 0).Validate());
        Assert.NotNull(new InstallReserveRequest("r", Tier.Core, false, 1, 86_401).Validate());
        Assert.NotNull(new InstallReserveRequest("r r", Tier.Core, false).Validate());
        Assert.NotNull(new InstallReserveRequest("r", (Tier)7, false).Validate());
    }
}
