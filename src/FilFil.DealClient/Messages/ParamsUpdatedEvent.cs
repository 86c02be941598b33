using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>ParamsUpdated</c>.</summary>
[Event("ParamsUpdated")]
public class ParamsUpdatedEvent : IEventDTO
{
    [Parameter("tuple", "params", 1, false)]
    public DealClientParams Params { get; set; } = null!;
}
