namespace FilFil.PowerShell.DealClient;

/// <summary>One staged piece of a published slot (contract pieceInfo).</summary>
public sealed class SlotPieceInfo
{
    /// <summary>Chain height of the snapshot (the slot).</summary>
    public ulong Height { get; init; }
    /// <summary>Index of the piece in the slot (Submit-FilFilDeal -PieceIndex).</summary>
    public uint PieceIndex { get; init; }
    /// <summary>Piece CID v1 (baga6ea4seaq…).</summary>
    public required string PieceCid { get; init; }
    /// <summary>Padded piece size (the deal's piece_size).</summary>
    public ulong PaddedSize { get; init; }
    /// <summary>Exact CAR size in bytes (what Boost checks against Content-Length).</summary>
    public ulong CarSize { get; init; }
}
