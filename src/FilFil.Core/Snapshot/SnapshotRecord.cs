namespace FilFil.Core.Snapshot;

/// <summary>A snapshot that was taken: what, where, how big, its pieces, and how long it took.</summary>
public sealed record SnapshotRecord
{
    public required long Height { get; init; }
    public required string[] TipSetKey { get; init; }
    /// <summary>The snapshot's files: one CAR, or the piece CARs in order.</summary>
    public required string[] Paths { get; init; }
    public required string Format { get; init; }
    public long RecentStateRoots { get; init; }
    public bool SkipOldMessages { get; init; }
    public bool Compressed { get; init; }
    /// <summary>CAR payload bytes (uncompressed).</summary>
    public long Bytes { get; init; }
    public long Blocks { get; init; }
    public long Headers { get; init; }
    /// <summary>Pieces with their piece CIDs (empty for zstd output, which is for distribution, not deals).</summary>
    public SnapshotPiece[] Pieces { get; init; } = [];
    public DateTimeOffset Created { get; init; }
    /// <summary>Wall time of the walk, write and commP.</summary>
    public double Seconds { get; init; }
    /// <summary>
    /// Set when the snapshot was written but its catalog entry could not be (the files and piece CIDs here are still
    /// right); never stored in the catalog.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? CatalogProblem { get; init; }
}
