using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>A recorded deal (dealInfo). Solidity struct <c>FilFilStorage.Deal</c>.</summary>
public class DealData
{
    [Parameter("uint64", "provider", 1)]
    public ulong Provider { get; set; }

    [Parameter("uint64", "slot", 2)]
    public ulong Slot { get; set; }

    [Parameter("uint32", "pieceIndex", 3)]
    public uint PieceIndex { get; set; }

    [Parameter("uint8", "state", 4)]
    public byte State { get; set; }

    [Parameter("int64", "start", 5)]
    public long Start { get; set; }

    [Parameter("int64", "end", 6)]
    public long End { get; set; }

    [Parameter("int64", "lastSeenActive", 7)]
    public long LastSeenActive { get; set; }

    [Parameter("address", "payee", 8)]
    public string Payee { get; set; } = null!;

    [Parameter("uint256", "assignment", 9)]
    public BigInteger Assignment { get; set; }

    [Parameter("uint256", "reward", 10)]
    public BigInteger Reward { get; set; }

    [Parameter("uint256", "claimed", 11)]
    public BigInteger Claimed { get; set; }

    [Parameter("uint256", "forfeited", 12)]
    public BigInteger Forfeited { get; set; }
}
