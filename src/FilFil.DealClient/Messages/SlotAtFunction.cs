using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>slotAt</c>: The i-th listed slot height.</summary>
[Function("slotAt", "uint64")]
public class SlotAtFunction : FunctionMessage
{
    [Parameter("uint256", "i", 1)]
    public BigInteger Index { get; set; }
}
