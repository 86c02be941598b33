using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>DataCapReceived</c>.</summary>
[Event("DataCapReceived")]
public class DataCapReceivedEvent : IEventDTO
{
    [Parameter("uint64", "from", 1, true)]
    public ulong From { get; set; }

    [Parameter("uint64", "operator", 2, true)]
    public ulong Operator { get; set; }

    [Parameter("uint256", "amount", 3, false)]
    public BigInteger Amount { get; set; }
}
