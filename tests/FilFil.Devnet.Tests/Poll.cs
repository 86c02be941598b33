namespace FilFil.Devnet.Tests;

/// <summary>Waits for a server-side effect that follows a client's action asynchronously (a close, a freed slot).</summary>
internal static class Poll
{
    /// <summary>Returns once <paramref name="condition"/> holds or <paramref name="within"/> has passed; the caller asserts.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (!condition() && DateTime.UtcNow < until) await Task.Delay(20);
    }
}
