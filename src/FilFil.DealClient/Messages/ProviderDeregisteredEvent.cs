using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>ProviderDeregistered</c>.</summary>
[Event("ProviderDeregistered")]
public class ProviderDeregisteredEvent : IEventDTO
{
    [Parameter("uint64", "provider", 1, true)]
    public ulong Provider { get; set; }

    [Parameter("uint8", "reason", 2, false)]
    public byte Reason { get; set; }

    [Parameter("uint256", "slashed", 3, false)]
    public BigInteger Slashed { get; set; }
}
