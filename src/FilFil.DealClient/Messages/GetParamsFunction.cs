using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>getParams</c>: The parameters.</summary>
[Function("getParams")]
public class GetParamsFunction : FunctionMessage
{
}
