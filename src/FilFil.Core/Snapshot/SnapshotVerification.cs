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
    /// <summary>
    /// True when the file names a head tipset (its CAR roots, or the v2 metadata's head key), every hash matched and
    /// every block the Lotus walk needs is present. A CAR without roots is no snapshot: Lotus and
    /// Import-FilFilSnapshot refuse it.
    /// </summary>
    public bool Ok => HeadTipsetKey.Count > 0 && BadHashes == 0 && FirstMissing is null;

    /// <summary>Why the file is not a usable snapshot, in words (null when <see cref="Ok"/>).</summary>
    public string? Problem =>
        HeadTipsetKey.Count == 0 ? "the CAR has no roots: a snapshot names its head tipset as its roots"
        : FirstBadHash is { } bad ? $"{BadHashes} block(s) do not hash to their CID, the first {bad}"
        : FirstMissing is { } missing ? $"block {missing}, which the Lotus walk needs, is not in the file"
        : null;
}
