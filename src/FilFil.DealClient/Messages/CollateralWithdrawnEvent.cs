using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>CollateralWithdrawn</c>.</summary>
[Event("CollateralWithdrawn")]
public class CollateralWithdrawnEvent : IEventDTO
{
    [Parameter("uint64", "provider", 1, true)]
    public ulong Provider { get; set; }

    [Parameter("address", "to", 2, true)]
    public string To { get; set; } = null!;

    [Parameter("uint256", "amount", 3, false)]
    public BigInteger Amount { get; set; }
}
