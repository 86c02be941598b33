using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>A staged piece of a slot (pieceInfo). Solidity struct <c>FilFilStorage.Piece</c>.</summary>
public class PieceData
{
    [Parameter("bytes", "pieceCid", 1)]
    public byte[] PieceCid { get; set; } = null!;

    [Parameter("bytes32", "labelHash", 2)]
    public byte[] LabelHash { get; set; } = null!;

    [Parameter("uint64", "paddedSize", 3)]
    public ulong PaddedSize { get; set; }

    [Parameter("uint64", "carSize", 4)]
    public ulong CarSize { get; set; }
}
