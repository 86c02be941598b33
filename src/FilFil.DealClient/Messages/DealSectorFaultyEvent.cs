using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>DealSectorFaulty</c>: the deal's sector was found faulty; its vesting is frozen until the sector
/// is seen active again.</summary>
[Event("DealSectorFaulty")]
public class DealSectorFaultyEvent : IEventDTO
{
    [Parameter("uint64", "dealId", 1, true)]
    public ulong DealId { get; set; }

    [Parameter("uint64", "sector", 2, false)]
    public ulong Sector { get; set; }
}
