using FilFil.Core.Ipld;

namespace FilFil.Core.Snapshot;

/// <summary>The outcome of <see cref="SnapshotVerifier.Verify(string, CancellationToken)"/>.</summary>
public sealed record SnapshotVerification(
    IReadOnlyList<Cid> HeadTipsetKey,
    long HeadHeight,
    long Blocks,
    long BadHashes,
    Cid? FirstBadHash,
    Cid? FirstMissing,
    long HeadersWalked,
    long BlocksReached)
{
    /// <summary>True when every hash matched and every block the Lotus walk needs is present.</summary>
    public bool Ok => BadHashes == 0 && FirstMissing is null;
}
