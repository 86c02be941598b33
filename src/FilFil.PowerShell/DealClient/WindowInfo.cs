using FilFil.DealClient.Deals;

namespace FilFil.PowerShell.DealClient;

/// <summary>
/// Get-FilFilWindow / Wait-FilFilWindow output: a provider's window on a slot. Its Miner and Slot bind by name to
/// Submit-FilFilDeal. MinutesLeft counts 30-second epochs (Filecoin's block time) from the next epoch to the end of
/// the window; on anvil, which mines a block per transaction, epochs are not time and the same 30 s rule is used.
/// </summary>
public sealed class WindowInfo
{
    internal WindowInfo(ProviderWindow w)
    {
        Miner = "f0" + w.Miner.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Slot = w.Slot;
        Assignment = w.Assignment;
        FirstEpoch = w.FirstEpoch;
        LastEpoch = w.LastEpoch;
        HeadEpoch = w.HeadEpoch;
        State = w.State.ToString();
        AssignmentStatus = w.AssignmentStatusName;
        EpochsLeft = w.EpochsLeft;
        MinutesLeft = w.State == WindowState.Open ? w.EpochsLeft * ProviderWindow.EpochSeconds / 60 : 0;
        MinutesUntilOpen = w.EpochsUntilOpen * ProviderWindow.EpochSeconds / 60;
        Pieces = w.Pieces.Select(p => new WindowPiece(p)).ToArray();
    }

    /// <summary>The provider's miner (f0…).</summary>
    public string Miner { get; }
    /// <summary>The slot: the chain height of the snapshot.</summary>
    public ulong Slot { get; }
    /// <summary>The same as Slot (snapshots are published under their height).</summary>
    public ulong Height => Slot;
    /// <summary>The contract's assignment id (0: no window).</summary>
    public ulong Assignment { get; }
    public ulong FirstEpoch { get; }
    public ulong LastEpoch { get; }
    /// <summary>The chain head the state was computed at; a transaction sent now lands in HeadEpoch + 1 at the earliest.</summary>
    public ulong HeadEpoch { get; }
    /// <summary>Open (a proposeDeal sent now lands inside), Upcoming, Closed, or None (never assigned).</summary>
    public string State { get; }
    /// <summary>The contract's assignment status: Open, Fulfilled, Missed, Failed, Void (None without a window).</summary>
    public string AssignmentStatus { get; }
    /// <summary>Epochs a transaction can still land in (the whole window while upcoming).</summary>
    public ulong EpochsLeft { get; }
    /// <summary>Minutes until the open window closes (30 s per epoch); 0 when not open.</summary>
    public double MinutesLeft { get; }
    /// <summary>Minutes until an upcoming window opens (30 s per epoch); 0 otherwise.</summary>
    public double MinutesUntilOpen { get; }
    /// <summary>The slot's staged pieces, with the provider's deal for each (-1: none yet).</summary>
    public WindowPiece[] Pieces { get; }
}
