using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>getDealProposal</c>: The DAG-CBOR DealProposal Boost reads for a proposal id.</summary>
[Function("getDealProposal", "bytes")]
public class GetDealProposalFunction : FunctionMessage
{
    [Parameter("bytes32", "proposalId", 1)]
    public byte[] ProposalId { get; set; } = null!;
}
