using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>DealTerminated</c>.</summary>
[Event("DealTerminated")]
public class DealTerminatedEvent : IEventDTO
{
    [Parameter("uint64", "dealId", 1, true)]
    public ulong DealId { get; set; }

    [Parameter("uint64", "provider", 2, true)]
    public ulong Provider { get; set; }

    [Parameter("uint8", "reason", 3, false)]
    public byte Reason { get; set; }

    [Parameter("uint256", "forfeited", 4, false)]
    public BigInteger Forfeited { get; set; }
}
