using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>publishSlot</c>: Operator: publish a snapshot height (slot) with its pieces.</summary>
[Function("publishSlot")]
public class PublishSlotFunction : FunctionMessage
{
    [Parameter("uint64", "slot", 1)]
    public ulong Slot { get; set; }

    [Parameter("tuple[]", "pieces", 2)]
    public List<PieceInput> Pieces { get; set; } = null!;
}
