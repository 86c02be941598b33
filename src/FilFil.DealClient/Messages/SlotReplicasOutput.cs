using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>What <c>slotReplicas</c> returns.</summary>
[FunctionOutput]
public class SlotReplicasOutput : IFunctionOutputDTO
{
    [Parameter("tuple[]", "out", 1)]
    public List<ReplicaData> Replicas { get; set; } = null!;
}
