namespace FilFil.Core.Snapshot;

/// <summary>CAR layout of a snapshot.</summary>
public enum SnapshotFormat
{
    /// <summary>Lotus <c>ExportV1</c>: CARv1, roots = the tipset's block CIDs.</summary>
    V1,
    /// <summary>FRC-0108 v2 (Lotus <c>ExportV2</c>): root = a SnapshotMetadata block written first (no F3 data).</summary>
    V2,
}
