namespace FilFil.Core.Snapshot;

/// <summary>One piece of a snapshot: a file that fits a sector, and its piece commitment.</summary>
public sealed record SnapshotPiece(string Path, string PieceCidV1, string PieceCidV2, ulong PayloadSize, ulong PaddedSize);
