using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>DealIgnored</c>.</summary>
[Event("DealIgnored")]
public class DealIgnoredEvent : IEventDTO
{
    [Parameter("uint64", "dealId", 1, true)]
    public ulong DealId { get; set; }

    [Parameter("uint8", "reason", 2, false)]
    public byte Reason { get; set; }
}
