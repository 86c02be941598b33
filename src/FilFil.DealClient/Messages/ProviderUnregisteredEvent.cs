using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>ProviderUnregistered</c>.</summary>
[Event("ProviderUnregistered")]
public class ProviderUnregisteredEvent : IEventDTO
{
    [Parameter("uint64", "provider", 1, true)]
    public ulong Provider { get; set; }

    [Parameter("uint64", "lastWindowEnd", 2, false)]
    public ulong LastWindowEnd { get; set; }
}
