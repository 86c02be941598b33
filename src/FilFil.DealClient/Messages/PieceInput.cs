using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>A piece to publish in a slot: piece CID bytes, padded size, CAR size. Solidity struct <c>FilFilStorage.PieceInput</c>.</summary>
public class PieceInput
{
    [Parameter("bytes", "pieceCid", 1)]
    public byte[] PieceCid { get; set; } = null!;

    [Parameter("uint64", "paddedSize", 2)]
    public ulong PaddedSize { get; set; }

    [Parameter("uint64", "carSize", 3)]
    public ulong CarSize { get; set; }
}
