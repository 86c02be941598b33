using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>DealRecorded</c>.</summary>
[Event("DealRecorded")]
public class DealRecordedEvent : IEventDTO
{
    [Parameter("uint64", "slot", 1, true)]
    public ulong Slot { get; set; }

    [Parameter("uint64", "provider", 2, true)]
    public ulong Provider { get; set; }

    [Parameter("uint64", "dealId", 3, true)]
    public ulong DealId { get; set; }

    [Parameter("uint32", "pieceIndex", 4, false)]
    public uint PieceIndex { get; set; }

    [Parameter("int64", "startEpoch", 5, false)]
    public long StartEpoch { get; set; }

    [Parameter("int64", "endEpoch", 6, false)]
    public long EndEpoch { get; set; }

    [Parameter("uint256", "reward", 7, false)]
    public BigInteger Reward { get; set; }
}
