using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>SlotPublished</c>.</summary>
[Event("SlotPublished")]
public class SlotPublishedEvent : IEventDTO
{
    [Parameter("uint64", "slot", 1, true)]
    public ulong Slot { get; set; }

    [Parameter("uint32", "pieces", 2, false)]
    public uint Pieces { get; set; }

    [Parameter("uint64", "totalPaddedSize", 3, false)]
    public ulong TotalPaddedSize { get; set; }

    [Parameter("uint64", "lifetimeEnd", 4, false)]
    public ulong LifetimeEnd { get; set; }
}
