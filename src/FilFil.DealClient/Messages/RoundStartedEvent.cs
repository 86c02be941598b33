using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>RoundStarted</c>.</summary>
[Event("RoundStarted")]
public class RoundStartedEvent : IEventDTO
{
    [Parameter("uint256", "round", 1, true)]
    public BigInteger Round { get; set; }

    [Parameter("uint256", "providers", 2, false)]
    public BigInteger Providers { get; set; }
}
