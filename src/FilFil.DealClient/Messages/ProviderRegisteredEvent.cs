using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>ProviderRegistered</c>.</summary>
[Event("ProviderRegistered")]
public class ProviderRegisteredEvent : IEventDTO
{
    [Parameter("uint64", "provider", 1, true)]
    public ulong Provider { get; set; }

    [Parameter("address", "controller", 2, true)]
    public string Controller { get; set; } = null!;

    [Parameter("uint256", "collateral", 3, false)]
    public BigInteger Collateral { get; set; }

    [Parameter("uint256", "joinsRound", 4, false)]
    public BigInteger JoinsRound { get; set; }

    [Parameter("string", "retrievalUrl", 5, false)]
    public string RetrievalUrl { get; set; } = null!;
}
