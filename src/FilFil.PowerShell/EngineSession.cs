using FilFil.Core.Snapshot;

namespace FilFil.PowerShell;

/// <summary>
/// The one in-process snapshot engine every FilFil cmdlet of this process shares (the engine is thread-safe;
/// this holder only serializes replacing it).
/// </summary>
internal static class EngineSession
{
    private static readonly object Gate = new();
    private static Engine? _engine;

    public static Engine? Current { get { lock (Gate) return _engine; } }

    public static Engine Require() => Current
        ?? throw new InvalidOperationException("no chain is loaded in this session: run Import-FilFilSnapshot or Start-FilFilFollower first, " +
            "or give New-FilFilSnapshot -Bootstrap <snapshot.car> and/or -Lotus <ws://node/rpc/v1>");

    /// <summary>
    /// Loads a snapshot CAR into a new engine keeping <paramref name="recentStateRoots"/> heights of state and
    /// messages, and with <paramref name="keepAllMessages"/> every height's messages back to genesis (the snapshot
    /// must hold them): what Import-FilFilSnapshot and the -Bootstrap parameters install; the caller installs it.
    /// </summary>
    public static Engine Import(string path, int recentStateRoots, bool keepAllMessages, CancellationToken ct) =>
        SnapshotImporter.ImportAsync(path, Options(recentStateRoots, keepAllMessages), ct).GetAwaiter().GetResult();

    /// <summary>The window policy the cmdlets give a new engine.</summary>
    public static EngineOptions Options(int recentStateRoots, bool keepAllMessages) =>
        new() { RecentStateRoots = recentStateRoots, KeepAllMessages = keepAllMessages };

    /// <summary>
    /// Null when a snapshot of <paramref name="engine"/> can keep every height's messages (Lotus without
    /// --skip-old-msgs), otherwise why not: every tipset of the window must have its messages (an imported snapshot
    /// may lack some), and below the window the engine must keep all messages unless the window reaches genesis.
    /// </summary>
    public static string? OldMessagesMissing(Engine engine)
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
    public static TipSet? FirstTipSetWithoutMessages(IReadOnlyList<TipSet> window, Engine engine) =>
        window.FirstOrDefault(ts => ts.Headers.Any(h => !engine.Store.Contains(h.Messages.Bytes)));

    /// <summary>Installs <paramref name="engine"/>, disposing the previous one.</summary>
    public static void Replace(Engine engine)
    {
        Engine? old;
        lock (Gate)
        {
            old = _engine;
            _engine = engine;
        }
        old?.Dispose();
    }

    /// <summary>Drops the session's engine (disposing it): the session then holds no chain.</summary>
    public static void Clear()
    {
        Engine? old;
        lock (Gate)
        {
            old = _engine;
            _engine = null;
        }
        old?.Dispose();
    }
}

/// <summary>What the session's engine holds (Import-FilFilSnapshot output).</summary>
public sealed class EngineStatus
{
    public long Height { get; init; }
    public required string[] HeadTipSet { get; init; }
    /// <summary>Tipsets in the engine's window (with linked state and messages).</summary>
    public int WindowTipSets { get; init; }
    /// <summary>Recent state roots available at the head (the largest N New-FilFilSnapshot accepts).</summary>
    public long AvailableRecentStateRoots { get; init; }
    public long Blocks { get; init; }
    /// <summary>Block data bytes held in memory.</summary>
    public long DataBytes { get; init; }
    public long CidBytes { get; init; }
    /// <summary>Process working set, bytes.</summary>
    public long ProcessRss { get; init; }
    public string? Source { get; init; }
    public double Seconds { get; init; }

    internal static EngineStatus From(Engine e, string? source, double seconds)
    {
        var head = e.Head!;
        long avail = e.AvailableRecentStateRoots(head);
        return new EngineStatus
        {
            Height = head.Height, HeadTipSet = head.Cids.Select(c => c.ToString()).ToArray(), WindowTipSets = e.Window.Count,
            AvailableRecentStateRoots = avail == long.MaxValue ? head.Height + 1 : avail,
            Blocks = e.Store.Count, DataBytes = e.Store.DataBytes, CidBytes = e.Store.CidBytes,
            ProcessRss = Environment.WorkingSet, Source = source, Seconds = seconds,
        };
    }
}
