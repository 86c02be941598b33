using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.TestPeers;

/// <summary>
/// <c>publishStorageDeals(address client, bytes[] proposals)</c> of the market stand-in at f05
/// (contracts/test/mocks/MockActors.sol MockMarket): AuthenticateMessage with each proposal, then MarketNotifyDeal,
/// as builtin-actors' PublishStorageDeals does.
/// </summary>
[Function("publishStorageDeals")]
public class PublishStorageDealsFunction : FunctionMessage
{
    [Parameter("address", "client", 1)]
    public string Client { get; set; } = null!;

    [Parameter("bytes[]", "proposals", 2)]
    public List<byte[]> Proposals { get; set; } = null!;
}

/// <summary>MockMarket <c>authenticate(address client, bytes proposal)</c>: the READ_ONLY AuthenticateMessage alone (Boost's and Curio's StateCall check of an f4 client's "signature").</summary>
[Function("authenticate", "bool")]
public class AuthenticateFunction : FunctionMessage
{
    [Parameter("address", "client", 1)]
    public string Client { get; set; } = null!;

    [Parameter("bytes", "proposal", 2)]
    public byte[] Proposal { get; set; } = null!;
}

/// <summary>MockMarket <c>Published(uint64 dealId, uint64 provider)</c>.</summary>
[Event("Published")]
public class PublishedEvent : IEventDTO
{
    [Parameter("uint64", "dealId", 1, false)]
    public ulong DealId { get; set; }

    [Parameter("uint64", "provider", 2, false)]
    public ulong Provider { get; set; }
}

/// <summary>Where the market stand-in lives (the f05 singleton in EVM form).</summary>
public static class MarketActor
{
    public const string Address = "0xff00000000000000000000000000000000000005";
}

/// <summary>
/// MockMarket <c>activate(uint64 dealId, int64 epoch)</c>: the provider proved the sector holding the deal (the deal
/// is active from <see cref="Epoch"/> and its sector is committed on the MockMiner), as ProveCommit does on f05.
/// </summary>
[Function("activate")]
public class ActivateFunction : FunctionMessage
{
    [Parameter("uint64", "dealId", 1)]
    public ulong DealId { get; set; }

    [Parameter("int64", "epoch", 2)]
    public long Epoch { get; set; }
}

/// <summary>MockMarket <c>terminate(uint64 dealId)</c>: the deal is slashed; GetDealActivation answers EX_DEAL_EXPIRED (32) from now on.</summary>
[Function("terminate")]
public class TerminateFunction : FunctionMessage
{
    [Parameter("uint64", "dealId", 1)]
    public ulong DealId { get; set; }
}

/// <summary>MockMiner <c>statusOf(uint64 sector)</c>: 0 Dead (or never committed), 1 Active, 2 Faulty (what ValidateSectorStatus answers).</summary>
[Function("statusOf", "uint8")]
public class SectorStatusFunction : FunctionMessage
{
    [Parameter("uint64", "sector", 1)]
    public ulong Sector { get; set; }
}

/// <summary>MockMarket <c>deals(uint64)</c>: the stand-in's record of a deal.</summary>
[Function("deals", typeof(MarketDealOutput))]
public class MarketDealFunction : FunctionMessage
{
    [Parameter("uint64", "dealId", 1)]
    public ulong DealId { get; set; }
}

[FunctionOutput]
public class MarketDealOutput : IFunctionOutputDTO
{
    [Parameter("bool", "exists", 1)]
    public bool Exists { get; set; }

    /// <summary>GetDealActivation answers EX_DEAL_EXPIRED (32): terminated, or ended and cleaned up.</summary>
    [Parameter("bool", "expired", 2)]
    public bool Expired { get; set; }

    [Parameter("int64", "activated", 3)]
    public long Activated { get; set; }
}
