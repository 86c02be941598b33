using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>One replica of a slot: who holds its window and which deals it made (slotReplicas). Solidity struct <c>FilFilStorage.ReplicaView</c>.</summary>
public class ReplicaData
{
    [Parameter("uint256", "assignment", 1)]
    public BigInteger Assignment { get; set; }

    [Parameter("uint64", "provider", 2)]
    public ulong Provider { get; set; }

    [Parameter("uint8", "status", 3)]
    public byte Status { get; set; }

    [Parameter("uint64", "windowFirst", 4)]
    public ulong WindowFirst { get; set; }

    [Parameter("uint64", "windowLast", 5)]
    public ulong WindowLast { get; set; }

    [Parameter("uint64", "coverEnd", 6)]
    public ulong CoverEnd { get; set; }

    [Parameter("uint32", "piecesDone", 7)]
    public uint PiecesDone { get; set; }

    [Parameter("string", "retrievalUrl", 8)]
    public string RetrievalUrl { get; set; } = null!;

    [Parameter("int256[]", "dealIds", 9)]
    public List<BigInteger> DealIds { get; set; } = null!;
}
