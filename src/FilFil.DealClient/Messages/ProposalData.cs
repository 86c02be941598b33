using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>A deal proposal made by proposeDeal (proposalInfo). Solidity struct <c>FilFilStorage.Proposal</c>.</summary>
public class ProposalData
{
    [Parameter("uint64", "provider", 1)]
    public ulong Provider { get; set; }

    [Parameter("uint64", "slot", 2)]
    public ulong Slot { get; set; }

    [Parameter("uint32", "pieceIndex", 3)]
    public uint PieceIndex { get; set; }

    [Parameter("int64", "start", 4)]
    public long Start { get; set; }

    [Parameter("int64", "end", 5)]
    public long End { get; set; }

    [Parameter("uint64", "carSize", 6)]
    public ulong CarSize { get; set; }

    [Parameter("string", "locationRef", 7)]
    public string LocationRef { get; set; } = null!;
}
