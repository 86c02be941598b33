using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>getExtraParams</c>: The DAG-CBOR ExtraParamsV1 (location, car size) for a proposal id.</summary>
[Function("getExtraParams", "bytes")]
public class GetExtraParamsFunction : FunctionMessage
{
    [Parameter("bytes32", "proposalId", 1)]
    public byte[] ProposalId { get; set; } = null!;
}
