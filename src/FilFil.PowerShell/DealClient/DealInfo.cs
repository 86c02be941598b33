using System.Numerics;
using FilFil.DealClient.Messages;

namespace FilFil.PowerShell.DealClient;

/// <summary>Get-FilFilDeal output: a market deal the contract recorded (dealInfo) and its vested reward.</summary>
public sealed class DealInfo
{
    internal DealInfo(ulong dealId, DealData d, BigInteger vested)
    {
        DealId = dealId;
        Miner = "f0" + d.Provider.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Slot = d.Slot;
        PieceIndex = d.PieceIndex;
        State = d.State switch { 1 => "Published", 2 => "Active", 3 => "Terminated", 4 => "Completed", _ => $"Unknown({d.State})" };
        StartEpoch = d.Start;
        EndEpoch = d.End;
        LastSeenActive = d.LastSeenActive;
        Payee = d.Payee;
        Reward = d.Reward;
        Vested = vested;
        Claimed = d.Claimed;
        Forfeited = d.Forfeited;
    }

    public ulong DealId { get; }
    /// <summary>The provider's miner (f0…).</summary>
    public string Miner { get; }
    public ulong Slot { get; }
    public uint PieceIndex { get; }
    /// <summary>Published, Active, Terminated or Completed.</summary>
    public string State { get; }
    public long StartEpoch { get; }
    public long EndEpoch { get; }
    /// <summary>The last epoch the market reported the deal active (-1: never seen active).</summary>
    public long LastSeenActive { get; }
    /// <summary>The provider's controller, who receives the reward (0x).</summary>
    public string Payee { get; }
    /// <summary>attoFIL the deal earns over its term.</summary>
    public BigInteger Reward { get; }
    /// <summary>attoFIL vested so far (as of the last time the market reported the deal active).</summary>
    public BigInteger Vested { get; }
    public BigInteger Claimed { get; }
    public BigInteger Forfeited { get; }
}
