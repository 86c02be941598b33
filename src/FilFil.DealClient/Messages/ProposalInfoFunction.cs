using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>proposalInfo</c>: A proposal.</summary>
[Function("proposalInfo")]
public class ProposalInfoFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)]
    public byte[] Id { get; set; } = null!;
}
