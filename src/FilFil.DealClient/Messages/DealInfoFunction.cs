using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>dealInfo</c>: A recorded deal.</summary>
[Function("dealInfo")]
public class DealInfoFunction : FunctionMessage
{
    [Parameter("uint64", "dealId", 1)]
    public ulong DealId { get; set; }
}
