using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>slotInfo</c>: A slot.</summary>
[Function("slotInfo")]
public class SlotInfoFunction : FunctionMessage
{
    [Parameter("uint64", "height", 1)]
    public ulong Height { get; set; }
}
