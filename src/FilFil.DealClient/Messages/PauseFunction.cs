using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>pause</c>: Operator: pause.</summary>
[Function("pause")]
public class PauseFunction : FunctionMessage
{
}
