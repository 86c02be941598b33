using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>What <c>dealInfo</c> returns.</summary>
[FunctionOutput]
public class DealInfoOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public DealData Deal { get; set; } = null!;
}
