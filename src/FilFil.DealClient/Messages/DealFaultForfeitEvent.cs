using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>DealFaultForfeit</c>: the deal's sector recovered from a fault; the reward of
/// [fromEpoch, toEpoch] went back to the pool.</summary>
[Event("DealFaultForfeit")]
public class DealFaultForfeitEvent : IEventDTO
{
    [Parameter("uint64", "dealId", 1, true)]
    public ulong DealId { get; set; }

    [Parameter("int64", "fromEpoch", 2, false)]
    public long FromEpoch { get; set; }

    [Parameter("int64", "toEpoch", 3, false)]
    public long ToEpoch { get; set; }

    [Parameter("uint256", "forfeited", 4, false)]
    public BigInteger Forfeited { get; set; }
}
