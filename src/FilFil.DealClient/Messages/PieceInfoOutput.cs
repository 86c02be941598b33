using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>What <c>pieceInfo</c> returns.</summary>
[FunctionOutput]
public class PieceInfoOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public PieceData Piece { get; set; } = null!;
}
