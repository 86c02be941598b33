using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>WindowMissed</c>.</summary>
[Event("WindowMissed")]
public class WindowMissedEvent : IEventDTO
{
    [Parameter("uint64", "slot", 1, true)]
    public ulong Slot { get; set; }

    [Parameter("uint64", "provider", 2, true)]
    public ulong Provider { get; set; }

    [Parameter("uint256", "assignment", 3, true)]
    public BigInteger Assignment { get; set; }

    [Parameter("uint32", "misses", 4, false)]
    public uint Misses { get; set; }
}
