using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>MarketEscrowFunded</c>.</summary>
[Event("MarketEscrowFunded")]
public class MarketEscrowFundedEvent : IEventDTO
{
    [Parameter("uint256", "amount", 1, false)]
    public BigInteger Amount { get; set; }
}
