using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>paused</c>: Whether the contract is paused.</summary>
[Function("paused", "bool")]
public class PausedFunction : FunctionMessage
{
}
