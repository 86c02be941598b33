using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>vested</c>: Reward vested so far for a deal.</summary>
[Function("vested", "uint256")]
public class VestedFunction : FunctionMessage
{
    [Parameter("uint64", "dealId", 1)]
    public ulong DealId { get; set; }
}
