using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>assignmentInfo</c>: A window assignment.</summary>
[Function("assignmentInfo")]
public class AssignmentInfoFunction : FunctionMessage
{
    [Parameter("uint256", "id", 1)]
    public BigInteger Id { get; set; }
}
