using FilFil.Core.Chain;

namespace FilFil.PowerShell;

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

    internal static EngineStatus From(ChainStore e, string? source, double seconds)
    {
        var head = e.Head!;
        long avail = e.AvailableRecentStateRoots(head);
        var stats = e.Stats;
        return new EngineStatus
        {
            Height = head.Height, HeadTipSet = head.Cids.Select(c => c.ToString()).ToArray(), WindowTipSets = stats.WindowTipSets,
            AvailableRecentStateRoots = avail == long.MaxValue ? head.Height + 1 : avail,
            Blocks = stats.Blocks, DataBytes = stats.DataBytes, CidBytes = stats.CidBytes,
            ProcessRss = Environment.WorkingSet, Source = source, Seconds = seconds,
        };
    }
}
