using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>What <c>windowOf</c> returns.</summary>
[FunctionOutput]
public class WindowOfOutput : IFunctionOutputDTO
{
    [Parameter("uint64", "first", 1)]
    public ulong First { get; set; }

    [Parameter("uint64", "last", 2)]
    public ulong Last { get; set; }
}
