namespace Metering.Grains.Engine;

/// <summary>Operation names stored in the journal. Stored data: never rename one.</summary>
internal static class Operations
{
    public const string Reserve = "reserve";
    public const string Commit = "commit";
    public const string Release = "release";
    public const string Grant = "grant";
    public const string Usage = "usage";
    public const string SetLimit = "set_limit";
    public const string SetBudget = "set_budget";
}
