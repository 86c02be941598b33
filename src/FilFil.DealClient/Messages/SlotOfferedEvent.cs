using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>SlotOffered</c>.</summary>
[Event("SlotOffered")]
public class SlotOfferedEvent : IEventDTO
{
    [Parameter("uint64", "slot", 1, true)]
    public ulong Slot { get; set; }

    [Parameter("uint256", "wanted", 2, false)]
    public BigInteger Wanted { get; set; }

    [Parameter("uint256", "assigned", 3, false)]
    public BigInteger Assigned { get; set; }
}
