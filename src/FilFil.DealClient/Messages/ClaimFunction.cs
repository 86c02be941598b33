using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>claim</c>: Provider: claim the vested reward of a deal.</summary>
[Function("claim", "uint256")]
public class ClaimFunction : FunctionMessage
{
    [Parameter("uint64", "dealId", 1)]
    public ulong DealId { get; set; }
}
