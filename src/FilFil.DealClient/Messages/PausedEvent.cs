using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>Paused</c>.</summary>
[Event("Paused")]
public class PausedEvent : IEventDTO
{
    [Parameter("address", "account", 1, false)]
    public string Account { get; set; } = null!;
}
