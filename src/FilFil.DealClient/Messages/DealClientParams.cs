using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>The contract parameters (getParams / setParams / ParamsUpdated). Solidity struct <c>FilFilStorage.Params</c>.</summary>
public class DealClientParams
{
    [Parameter("uint256", "minCollateral", 1)]
    public BigInteger MinCollateral { get; set; }

    [Parameter("uint256", "rewardPerSnapshot", 2)]
    public BigInteger RewardPerSnapshot { get; set; }

    [Parameter("uint256", "pricePerEpoch", 3)]
    public BigInteger PricePerEpoch { get; set; }

    [Parameter("uint256", "providerCollateralPerGiB", 4)]
    public BigInteger ProviderCollateralPerGiB { get; set; }

    [Parameter("uint64", "windowLength", 5)]
    public ulong WindowLength { get; set; }

    [Parameter("uint64", "term", 6)]
    public ulong Term { get; set; }

    [Parameter("uint64", "slotLifetime", 7)]
    public ulong SlotLifetime { get; set; }

    [Parameter("uint64", "startDelay", 8)]
    public ulong StartDelay { get; set; }

    [Parameter("uint64", "renewLead", 9)]
    public ulong RenewLead { get; set; }

    [Parameter("uint32", "maxProviders", 10)]
    public uint MaxProviders { get; set; }

    [Parameter("uint32", "replicas", 11)]
    public uint Replicas { get; set; }

    [Parameter("uint32", "missLimit", 12)]
    public uint MissLimit { get; set; }

    [Parameter("uint16", "slashBps", 13)]
    public ushort SlashBps { get; set; }

    [Parameter("bool", "verifiedDeals", 14)]
    public bool VerifiedDeals { get; set; }

    [Parameter("uint64", "timelock", 15)]
    public ulong Timelock { get; set; }
}
