using FilFil.Core.Piece;

namespace FilFil.PowerShell;

/// <summary>Output of Get-FilFilPieceCid: the piece commitment of one file and its sizes.</summary>
public sealed class PieceCidResult
{
    /// <summary>Full path of the file.</summary>
    public required string Path { get; init; }
    /// <summary>Piece CID v1 (baga6ea4seaq...), what Boost, Curio and the market actor use.</summary>
    public required string PieceCidV1 { get; init; }
    /// <summary>Piece CID v2 (FRC-0069, bafkzcib...): carries the tree height and padding, so the payload size too.</summary>
    public required string PieceCidV2 { get; init; }
    /// <summary>File bytes (the unpadded payload).</summary>
    public ulong PayloadSize { get; init; }
    /// <summary>Padded piece size (a power of two, at least 128): the deal's piece_size.</summary>
    public ulong PaddedSize { get; init; }
    /// <summary>Tree height: log2(PaddedSize / 32).</summary>
    public int Height { get; init; }
    /// <summary>Zero bytes added to the payload to fill the piece (PaddedSize x 127/128 - PayloadSize).</summary>
    public ulong Padding { get; init; }
    /// <summary>The 32-byte root (commP), hex.</summary>
    public required string CommP { get; init; }

    internal static PieceCidResult From(string path, PieceInfo p) => new()
    {
        Path = path,
        PieceCidV1 = p.PieceCidV1.ToString(),
        PieceCidV2 = p.PieceCidV2.ToString(),
        PayloadSize = p.PayloadSize,
        PaddedSize = p.PaddedSize,
        Height = p.Height,
        Padding = p.Padding,
        CommP = p.CommPHex,
    };
}
