using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>setParams</c>: Operator: announce or apply new parameters (timelocked).</summary>
[Function("setParams")]
public class SetParamsFunction : FunctionMessage
{
    [Parameter("tuple", "params", 1)]
    public DealClientParams Params { get; set; } = null!;
}
