namespace FilFil.PowerShell;

/// <summary>Get-FilFilFollower output: where the follower is, what it holds, how it is doing.</summary>
public sealed class FollowerStatus
{
    public required string Endpoint { get; init; }
    public bool Running { get; init; }
    /// <summary>The engine's head height.</summary>
    public long? Height { get; init; }
    public string[] HeadTipSet { get; init; } = [];
    /// <summary>The node's head height when asked (null if the node did not answer).</summary>
    public long? NodeHeight { get; init; }
    /// <summary>Epochs the engine is behind the node.</summary>
    public long? Lag { get; init; }
    public long HeadsApplied { get; init; }
    public DateTimeOffset? LastApplied { get; init; }
    /// <summary>Blocks held in memory (state and messages of the window, headers to genesis).</summary>
    public long Blocks { get; init; }
    public long DataBytes { get; init; }
    /// <summary>Process working set, bytes.</summary>
    public long ProcessRss { get; init; }
    /// <summary>Blocks fetched from the node with ChainReadObj so far.</summary>
    public long BlocksFetched { get; init; }
    /// <summary>Fetched blocks per second over the last minute (0 when nothing was fetched in it).</summary>
    public double FetchRate { get; init; }
    public long BadBlocksRefused { get; init; }
    public long Reconnects { get; init; }
    public int WindowTipSets { get; init; }
    public DateTimeOffset Started { get; init; }
    /// <summary>Last message of the follower (reconnects, resyncs).</summary>
    public string? LastEvent { get; init; }
    /// <summary>Why it stopped on its own, if it did.</summary>
    public string? Fault { get; init; }

    internal static FollowerStatus From(FollowerRun r, long? nodeHeight)
    {
        var e = r.ChainStore;
        var head = e.Head;
        var stats = e.Stats;
        return new FollowerStatus
        {
            Endpoint = r.Endpoint.ToString(), Running = r.Running, Height = head?.Height,
            HeadTipSet = head?.Cids.Select(c => c.ToString()).ToArray() ?? [],
            NodeHeight = nodeHeight, Lag = nodeHeight is { } n && head is not null ? Math.Max(0, n - head.Height) : null,
            HeadsApplied = r.HeadsApplied, LastApplied = r.LastApplied, Blocks = stats.Blocks, DataBytes = stats.DataBytes,
            ProcessRss = Environment.WorkingSet, BlocksFetched = stats.BlocksFetched,
            FetchRate = r.Follower.FetchRate(), BadBlocksRefused = stats.BadBlocksRefused,
            Reconnects = r.Follower.Reconnects, WindowTipSets = stats.WindowTipSets, Started = r.Started, LastEvent = r.LastLog,
            Fault = r.Fault?.Message,
        };
    }
}
