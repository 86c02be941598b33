using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>What <c>providerInfo</c> returns.</summary>
[FunctionOutput]
public class ProviderInfoOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public ProviderData Provider { get; set; } = null!;
}
