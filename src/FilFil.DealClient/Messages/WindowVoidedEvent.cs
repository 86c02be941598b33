using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>WindowVoided</c>.</summary>
[Event("WindowVoided")]
public class WindowVoidedEvent : IEventDTO
{
    [Parameter("uint64", "slot", 1, true)]
    public ulong Slot { get; set; }

    [Parameter("uint64", "provider", 2, true)]
    public ulong Provider { get; set; }

    [Parameter("uint256", "assignment", 3, true)]
    public BigInteger Assignment { get; set; }
}
