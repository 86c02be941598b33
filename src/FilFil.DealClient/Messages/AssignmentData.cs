using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>A window assignment (assignmentInfo). Solidity struct <c>FilFilStorage.Assignment</c>.</summary>
public class AssignmentData
{
    [Parameter("uint64", "provider", 1)]
    public ulong Provider { get; set; }

    [Parameter("uint64", "slot", 2)]
    public ulong Slot { get; set; }

    [Parameter("uint64", "first", 3)]
    public ulong First { get; set; }

    [Parameter("uint64", "last", 4)]
    public ulong Last { get; set; }

    [Parameter("uint64", "coverEnd", 5)]
    public ulong CoverEnd { get; set; }

    [Parameter("uint32", "piecesDone", 6)]
    public uint PiecesDone { get; set; }

    [Parameter("uint8", "status", 7)]
    public byte Status { get; set; }

    [Parameter("uint64", "maxDuration", 8)]
    public ulong MaxDuration { get; set; }

    [Parameter("uint128", "budget", 9)]
    public BigInteger Budget { get; set; }

    [Parameter("uint128", "reserve", 10)]
    public BigInteger Reserve { get; set; }
}
