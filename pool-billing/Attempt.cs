namespace Metering.PoolBilling;

/// <summary>What the tries of one grain call came to.</summary>
/// <param name="Answer">The last answer, or null when the last try threw.</param>
/// <param name="Error">What the last try threw, or null when it answered.</param>
/// <param name="Uncertain">True when some try threw: that request may have landed unseen.</param>
/// <param name="Tries">How many tries were made, at least 1.</param>
internal readonly record struct Attempt<T>(T? Answer, Exception? Error, bool Uncertain, int Tries)
    where T : class;
