using FilFil.Core.Chain;
using FilFil.Core.Snapshot;

namespace FilFil.PowerShell;

/// <summary>How the cmdlets make a chain (the session installs it: <see cref="FilFilSession.InstallChain"/>).</summary>
internal static class ChainLoader
{
    /// <summary>
    /// Loads a snapshot CAR into a new engine keeping <paramref name="recentStateRoots"/> heights of state and
    /// messages, and with <paramref name="keepAllMessages"/> every height's messages back to genesis (the snapshot
    /// must hold them): what Import-FilFilSnapshot and the -Bootstrap parameters install; the caller installs it.
    /// </summary>
    public static ChainStore Import(string path, int recentStateRoots, bool keepAllMessages, CancellationToken ct) =>
        SnapshotImporter.ImportAsync(path, Options(recentStateRoots, keepAllMessages), ct).GetAwaiter().GetResult();

    /// <summary>The window policy the cmdlets give a new engine.</summary>
    public static ChainStoreOptions Options(int recentStateRoots, bool keepAllMessages) =>
        new() { RecentStateRoots = recentStateRoots, KeepAllMessages = keepAllMessages };

    /// <summary>
    /// Null when a snapshot of <paramref name="engine"/> can keep every height's messages (Lotus without
    /// --skip-old-msgs), otherwise why not: every tipset of the window must have its messages (an imported snapshot
    /// may lack some), and below the window the engine must keep all messages unless the window reaches genesis.
    /// </summary>
    public static string? OldMessagesMissing(ChainStore engine)
    {
        var window = engine.Window;
        if (window.Count == 0) return null;
        if (FirstTipSetWithoutMessages(window, engine) is { } lacking)
            return $"the chain's messages at height {lacking.Height} are not in the session's engine (its snapshot left them out)";
        if (engine.Options.KeepAllMessages || window[0].Height == 0) return null;
        return $"the session's engine holds messages only for heights {window[0].Height} to {window[^1].Height} " +
            $"(its window of {engine.Options.RecentStateRoots} heights and {engine.Options.ReorgDepth} for reorgs), not down to genesis";
    }

    /// <summary>The lowest tipset of <paramref name="window"/> whose messages root is not in the engine's store, or null.</summary>
    public static TipSet? FirstTipSetWithoutMessages(IReadOnlyList<TipSet> window, ChainStore engine) =>
        window.FirstOrDefault(ts => !engine.HoldsMessages(ts));
}
