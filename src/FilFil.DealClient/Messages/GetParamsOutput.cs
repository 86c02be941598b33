using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>What <c>getParams</c> returns.</summary>
[FunctionOutput]
public class GetParamsOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public DealClientParams Params { get; set; } = null!;
}
