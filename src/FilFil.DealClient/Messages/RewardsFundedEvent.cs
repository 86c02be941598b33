using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>RewardsFunded</c>.</summary>
[Event("RewardsFunded")]
public class RewardsFundedEvent : IEventDTO
{
    [Parameter("address", "from", 1, true)]
    public string From { get; set; } = null!;

    [Parameter("uint256", "amount", 2, false)]
    public BigInteger Amount { get; set; }
}
