using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>roster</c>: The registered providers.</summary>
[Function("roster", "uint64[]")]
public class RosterFunction : FunctionMessage
{
}
