using System.Numerics;

namespace FilFil.PowerShell.DealClient;

/// <summary>A provider of the contract (providerInfo), with the replicas it holds across the listed slots.</summary>
public sealed class StorageProviderInfo
{
    /// <summary>The miner (f0…).</summary>
    public required string Miner { get; init; }
    public ulong MinerId { get; init; }
    /// <summary>Address that registered: receives rewards and collateral.</summary>
    public required string Controller { get; init; }
    /// <summary>Active, Leaving (unregistered, keeps its windows), Removed (by the rules) or NotRegistered.</summary>
    public required string Status { get; init; }
    /// <summary>Locked collateral, attoFIL.</summary>
    public BigInteger Collateral { get; init; }
    public required string RetrievalUrl { get; init; }
    public uint Misses { get; init; }
    public uint MissLimit { get; init; }
    public ushort SlashBps { get; init; }
    /// <summary>First and last epoch of its latest window (0 when none).</summary>
    public ulong WindowFirst { get; init; }
    public ulong WindowLast { get; init; }
    public ulong LastDealEnd { get; init; }
    public ulong CoolDownUntil { get; init; }
    /// <summary>Its replicas: which snapshot it stores, the window and the deal states.</summary>
    public required ReplicaInfo[] Replicas { get; init; }
}
