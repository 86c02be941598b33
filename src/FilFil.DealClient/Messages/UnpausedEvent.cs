using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>Unpaused</c>.</summary>
[Event("Unpaused")]
public class UnpausedEvent : IEventDTO
{
    [Parameter("address", "account", 1, false)]
    public string Account { get; set; } = null!;
}
