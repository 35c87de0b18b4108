using Metering.ClientApi.Problems;
using Metering.GrainInterfaces.Common;

namespace Metering.ClientApi.Endpoints;

/// <summary>The paging query of every list: <c>limit</c> (default 100, 1 to 1000) and <c>after</c> (a cursor).</summary>
internal static class Paging
{
    public static ((int Limit, string? After) Page, ProblemBody? Problem) Read(IQueryCollection query)
    {
        var errors = new ValidationErrors();
        int limit = Limits.DefaultPageSize;
        if (query.TryGetValue("limit", out var limitText))
        {
            // Digits only: int.TryParse also reads "1\0" as 1 (it ignores trailing NULs).
            if (limitText.Count != 1 || !IsDigits(limitText[0]) || !int.TryParse(limitText[0], System.Globalization.NumberStyles.None, null, out limit)
                || limit is < 1 or > Limits.MaxPageSize)
            {
                errors.Add("limit", $"must be an integer from 1 to {Limits.MaxPageSize}");
            }
        }

        string? after = null;
        if (query.TryGetValue("after", out var afterText))
        {
            after = afterText.Count == 1 ? afterText[0] : null;
            if (!Identifier.IsValid(after))
            {
                errors.Add("after", "must be the cursor of a previous page");
            }
        }

        return errors.IsEmpty ? ((limit, after), null) : ((0, null), ApiProblems.Invalid(errors));
    }

    private static bool IsDigits(string? text) => !string.IsNullOrEmpty(text) && text.All(char.IsAsciiDigit);
}
