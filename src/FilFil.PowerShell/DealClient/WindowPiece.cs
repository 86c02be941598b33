using FilFil.DealClient.Deals;

namespace FilFil.PowerShell.DealClient;

/// <summary>One staged piece of a window's slot.</summary>
public sealed class WindowPiece
{
    internal WindowPiece(StagedPiece p)
    {
        PieceIndex = p.Index;
        PieceCid = p.PieceCid;
        PaddedSize = p.PaddedSize;
        CarSize = p.CarSize;
        DealId = p.DealId;
    }

    public uint PieceIndex { get; }
    /// <summary>v1 piece CID (baga6ea4seaq…).</summary>
    public string PieceCid { get; }
    public ulong PaddedSize { get; }
    /// <summary>The exact CAR size published by the operator.</summary>
    public ulong CarSize { get; }
    /// <summary>The deal recorded for this piece in the provider's window, or -1.</summary>
    public long DealId { get; }
}
