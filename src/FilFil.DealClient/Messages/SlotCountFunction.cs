using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>slotCount</c>: Number of listed slots.</summary>
[Function("slotCount", "uint256")]
public class SlotCountFunction : FunctionMessage
{
}
