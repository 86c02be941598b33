using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>slotReplicas</c>: The replicas (windows, providers, deals) of a slot.</summary>
[Function("slotReplicas")]
public class SlotReplicasFunction : FunctionMessage
{
    [Parameter("uint64", "height", 1)]
    public ulong Height { get; set; }
}
