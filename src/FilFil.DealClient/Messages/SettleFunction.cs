using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>settle</c>: Keeper: settle an assignment whose window has passed.</summary>
[Function("settle")]
public class SettleFunction : FunctionMessage
{
    [Parameter("uint256", "assignment", 1)]
    public BigInteger Assignment { get; set; }
}
