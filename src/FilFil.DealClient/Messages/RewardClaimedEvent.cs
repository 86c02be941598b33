using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>RewardClaimed</c>.</summary>
[Event("RewardClaimed")]
public class RewardClaimedEvent : IEventDTO
{
    [Parameter("uint64", "dealId", 1, true)]
    public ulong DealId { get; set; }

    [Parameter("address", "to", 2, true)]
    public string To { get; set; } = null!;

    [Parameter("uint256", "amount", 3, false)]
    public BigInteger Amount { get; set; }
}
