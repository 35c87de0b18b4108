using Metering.GrainInterfaces.Common;

namespace Metering.Tests.Unit;

/// <summary>callDetails checked on the grain side too, for .NET callers that skip the HTTP front end.</summary>
public sealed class CallDetailsValidationTests
{
    [Theory]
    [InlineData("""{"a\udc00":1}""")]
    [InlineData("""{"x":{"\ud800":1}}""")]
    [InlineData("""[{"ok":1},{"\udfff":2}]""")]
    public void RequireCallDetails_UnpairedSurrogateInAMemberName_IsAnErrorNotAnException(string json)
    {
        var errors = new ValidationErrors();

        errors.RequireCallDetails("callDetails", json);

        Assert.Contains("callDetails", errors.Fields.Keys);
    }

    [Fact]
    public void RequireCallDetails_ValidJson_IsAccepted()
    {
        var errors = new ValidationErrors();

        errors.RequireCallDetails("callDetails", """{"route":"/chat","n":[1,2]}""");

        Assert.True(errors.IsEmpty);
    }
}
