using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>retractSlot</c>: Operator: retract a slot (the correction path after a reorg).</summary>
[Function("retractSlot")]
public class RetractSlotFunction : FunctionMessage
{
    [Parameter("uint64", "slot", 1)]
    public ulong Slot { get; set; }
}
