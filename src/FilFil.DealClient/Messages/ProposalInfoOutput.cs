using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>What <c>proposalInfo</c> returns.</summary>
[FunctionOutput]
public class ProposalInfoOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public ProposalData Proposal { get; set; } = null!;
}
