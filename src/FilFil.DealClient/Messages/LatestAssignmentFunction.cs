using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>latestAssignment</c>: Latest assignment of (slot, provider).</summary>
[Function("latestAssignment", "uint256")]
public class LatestAssignmentFunction : FunctionMessage
{
    [Parameter("uint64", "", 1)]
    public ulong Slot { get; set; }

    [Parameter("uint64", "", 2)]
    public ulong Provider { get; set; }
}
