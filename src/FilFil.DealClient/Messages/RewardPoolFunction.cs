using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>rewardPool</c>: Unreserved reward pool.</summary>
[Function("rewardPool", "uint256")]
public class RewardPoolFunction : FunctionMessage
{
}
