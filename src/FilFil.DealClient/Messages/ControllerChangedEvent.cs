using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>ControllerChanged</c>.</summary>
[Event("ControllerChanged")]
public class ControllerChangedEvent : IEventDTO
{
    [Parameter("uint64", "provider", 1, true)]
    public ulong Provider { get; set; }

    [Parameter("address", "controller", 2, true)]
    public string Controller { get; set; } = null!;
}
