using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>What <c>slotInfo</c> returns.</summary>
[FunctionOutput]
public class SlotInfoOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public SlotData Slot { get; set; } = null!;
}
