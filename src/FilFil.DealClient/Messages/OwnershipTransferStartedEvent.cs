using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>OwnershipTransferStarted</c>.</summary>
[Event("OwnershipTransferStarted")]
public class OwnershipTransferStartedEvent : IEventDTO
{
    [Parameter("address", "previousOwner", 1, true)]
    public string PreviousOwner { get; set; } = null!;

    [Parameter("address", "newOwner", 2, true)]
    public string NewOwner { get; set; } = null!;
}
