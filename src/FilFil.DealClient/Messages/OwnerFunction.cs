using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>owner</c>: The owner (operator).</summary>
[Function("owner", "address")]
public class OwnerFunction : FunctionMessage
{
}
