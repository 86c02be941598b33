using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>RewardPoolWithdrawn</c>.</summary>
[Event("RewardPoolWithdrawn")]
public class RewardPoolWithdrawnEvent : IEventDTO
{
    [Parameter("address", "to", 1, true)]
    public string To { get; set; } = null!;

    [Parameter("uint256", "amount", 2, false)]
    public BigInteger Amount { get; set; }
}
