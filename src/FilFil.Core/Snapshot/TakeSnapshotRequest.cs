namespace FilFil.Core.Snapshot;

/// <summary>How to take a snapshot (New-FilFilSnapshot).</summary>
public sealed record TakeSnapshotRequest
{
    /// <summary>Output file. With <see cref="PieceSize"/> it is the prefix of the piece files.</summary>
    public required string Path { get; init; }
    /// <summary>Tipset to snapshot; null: the head (or <see cref="Height"/>).</summary>
    public IReadOnlyList<Ipld.Cid>? TipSetKey { get; init; }
    /// <summary>Height to snapshot (the tipset at or below it in the engine's chain); null: the head.</summary>
    public long? Height { get; init; }
    public long RecentStateRoots { get; init; }
    public bool SkipOldMessages { get; init; }
    public SnapshotFormat Format { get; init; } = SnapshotFormat.V1;
    /// <summary>zstd level for a compressed (distribution) file; 0 = plain CAR.</summary>
    public int ZstdLevel { get; init; }
    /// <summary>
    /// Padded piece size each piece must fit: a power of two from 1 MiB to 64 GiB (a sector size, 32 or 64 GiB, is the
    /// usual choice; smaller pieces are legal deals); null: one file, commP in the same pass.
    /// </summary>
    public long? PieceSize { get; init; }
}
