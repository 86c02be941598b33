using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>unpause</c>: Operator: unpause.</summary>
[Function("unpause")]
public class UnpauseFunction : FunctionMessage
{
}
