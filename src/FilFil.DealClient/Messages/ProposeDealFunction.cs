using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>proposeDeal</c>: Provider: propose the deal for one piece in its window; emits DealProposalCreate.</summary>
[Function("proposeDeal", "bytes32")]
public class ProposeDealFunction : FunctionMessage
{
    [Parameter("uint64", "slot", 1)]
    public ulong Slot { get; set; }

    [Parameter("uint32", "pieceIndex", 2)]
    public uint PieceIndex { get; set; }

    [Parameter("string", "locationRef", 3)]
    public string LocationRef { get; set; } = null!;

    [Parameter("uint64", "carSize", 4)]
    public ulong CarSize { get; set; }
}
