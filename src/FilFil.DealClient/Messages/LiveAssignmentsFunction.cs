using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>liveAssignments</c>: Open assignments of a slot.</summary>
[Function("liveAssignments", "uint256[]")]
public class LiveAssignmentsFunction : FunctionMessage
{
    [Parameter("uint64", "height", 1)]
    public ulong Height { get; set; }
}
