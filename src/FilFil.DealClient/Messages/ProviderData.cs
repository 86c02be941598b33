using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>A registered provider (providerInfo). Solidity struct <c>FilFilStorage.Provider</c>.</summary>
public class ProviderData
{
    [Parameter("address", "controller", 1)]
    public string Controller { get; set; } = null!;

    [Parameter("uint8", "status", 2)]
    public byte Status { get; set; }

    [Parameter("uint32", "rosterIndex", 3)]
    public uint RosterIndex { get; set; }

    [Parameter("uint32", "misses", 4)]
    public uint Misses { get; set; }

    [Parameter("uint32", "missLimit", 5)]
    public uint MissLimit { get; set; }

    [Parameter("uint16", "slashBps", 6)]
    public ushort SlashBps { get; set; }

    [Parameter("uint64", "lastDealEnd", 7)]
    public ulong LastDealEnd { get; set; }

    [Parameter("uint64", "coolDownUntil", 8)]
    public ulong CoolDownUntil { get; set; }

    [Parameter("uint64", "windowFirst", 9)]
    public ulong WindowFirst { get; set; }

    [Parameter("uint64", "windowLast", 10)]
    public ulong WindowLast { get; set; }

    [Parameter("uint256", "windowAssignment", 11)]
    public BigInteger WindowAssignment { get; set; }

    [Parameter("uint256", "collateral", 12)]
    public BigInteger Collateral { get; set; }

    [Parameter("string", "retrievalUrl", 13)]
    public string RetrievalUrl { get; set; } = null!;
}
