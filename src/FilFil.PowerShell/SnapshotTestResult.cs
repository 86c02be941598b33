using FilFil.Core.Snapshot;

namespace FilFil.PowerShell;

/// <summary>Output of Test-FilFilSnapshot.</summary>
public sealed class SnapshotTestResult
{
    /// <summary>The file checked (for a multi-piece snapshot: its first piece).</summary>
    public required string Path { get; init; }
    /// <summary>Every file checked: the one file, or the pieces of a multi-piece snapshot in order, joined.</summary>
    public required string[] Files { get; init; }
    public long HeadHeight { get; init; }
    public required string[] HeadTipSet { get; init; }
    public long Blocks { get; init; }
    public long HeadersWalked { get; init; }
    /// <summary>Blocks the Lotus walk reached from the roots.</summary>
    public long BlocksReached { get; init; }
    public long BadHashes { get; init; }
    public string? FirstBadHash { get; init; }
    /// <summary>The first block the walk needs that the file lacks, or null.</summary>
    public string? FirstMissing { get; init; }
    /// <summary>The file names a head tipset, every hash matched and nothing the walk needs is missing.</summary>
    public bool Ok { get; init; }
    /// <summary>Why it is not Ok, in words (no roots, bad hashes, the first missing block), or null.</summary>
    public string? Problem { get; init; }

    internal static SnapshotTestResult From(string[] files, SnapshotVerification v) => new()
    {
        Path = files[0], Files = files, HeadHeight = v.HeadHeight, HeadTipSet = v.HeadTipsetKey.Select(c => c.ToString()).ToArray(),
        Blocks = v.Blocks, HeadersWalked = v.HeadersWalked, BlocksReached = v.BlocksReached, BadHashes = v.BadHashes,
        FirstBadHash = v.FirstBadHash?.ToString(), FirstMissing = v.FirstMissing?.ToString(), Ok = v.Ok, Problem = v.Problem,
    };
}
