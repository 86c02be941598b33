using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>What <c>assignmentInfo</c> returns.</summary>
[FunctionOutput]
public class AssignmentInfoOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public AssignmentData Assignment { get; set; } = null!;
}
