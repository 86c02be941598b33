using System.Numerics;
using FilFil.DealClient.Messages;

namespace FilFil.PowerShell.DealClient;

/// <summary>The contract's parameters (getParams), whether it is paused, and its free reward pool. Amounts in attoFIL.</summary>
public sealed class DealClientParameters
{
    internal DealClientParameters(string contract, DealClientParams p, bool paused, BigInteger rewardPool)
    {
        Contract = contract;
        MinCollateral = p.MinCollateral;
        RewardPerSnapshot = p.RewardPerSnapshot;
        PricePerEpoch = p.PricePerEpoch;
        ProviderCollateralPerGiB = p.ProviderCollateralPerGiB;
        WindowLength = p.WindowLength;
        Term = p.Term;
        SlotLifetime = p.SlotLifetime;
        StartDelay = p.StartDelay;
        RenewLead = p.RenewLead;
        MaxProviders = p.MaxProviders;
        Replicas = p.Replicas;
        MissLimit = p.MissLimit;
        SlashBps = p.SlashBps;
        VerifiedDeals = p.VerifiedDeals;
        Timelock = p.Timelock;
        Paused = paused;
        RewardPool = rewardPool;
    }

    public string Contract { get; }
    public BigInteger MinCollateral { get; }
    public BigInteger RewardPerSnapshot { get; }
    public BigInteger PricePerEpoch { get; }
    public BigInteger ProviderCollateralPerGiB { get; }
    public ulong WindowLength { get; }
    public ulong Term { get; }
    public ulong SlotLifetime { get; }
    public ulong StartDelay { get; }
    public ulong RenewLead { get; }
    public uint MaxProviders { get; }
    public uint Replicas { get; }
    public uint MissLimit { get; }
    public ushort SlashBps { get; }
    public bool VerifiedDeals { get; }
    public ulong Timelock { get; }
    public bool Paused { get; }
    /// <summary>Free reward pool (not reserved for windows or deals).</summary>
    public BigInteger RewardPool { get; }
}
