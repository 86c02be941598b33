using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>fundRewards</c>: Anyone: add AmountToSend to the reward pool.</summary>
[Function("fundRewards")]
public class FundRewardsFunction : FunctionMessage
{
}
