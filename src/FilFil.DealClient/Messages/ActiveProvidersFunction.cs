using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>activeProviders</c>: Number of active providers.</summary>
[Function("activeProviders", "uint256")]
public class ActiveProvidersFunction : FunctionMessage
{
}
