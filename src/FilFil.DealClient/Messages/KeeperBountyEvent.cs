using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>KeeperBounty</c>.</summary>
[Event("KeeperBounty")]
public class KeeperBountyEvent : IEventDTO
{
    [Parameter("uint64", "dealId", 1, true)]
    public ulong DealId { get; set; }

    [Parameter("address", "keeper", 2, true)]
    public string Keeper { get; set; } = null!;

    [Parameter("uint256", "amount", 3, false)]
    public BigInteger Amount { get; set; }
}
