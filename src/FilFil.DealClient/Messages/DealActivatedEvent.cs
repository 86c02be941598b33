using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>DealActivated</c>.</summary>
[Event("DealActivated")]
public class DealActivatedEvent : IEventDTO
{
    [Parameter("uint64", "dealId", 1, true)]
    public ulong DealId { get; set; }

    [Parameter("int64", "activatedEpoch", 2, false)]
    public long ActivatedEpoch { get; set; }
}
