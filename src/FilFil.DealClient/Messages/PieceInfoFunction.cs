using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>pieceInfo</c>: A piece of a slot.</summary>
[Function("pieceInfo")]
public class PieceInfoFunction : FunctionMessage
{
    [Parameter("uint64", "height", 1)]
    public ulong Height { get; set; }

    [Parameter("uint32", "index", 2)]
    public uint Index { get; set; }
}
