namespace FilFil.DealClient.Deals;

/// <summary>
/// A provider's window as read from the contract: the latest assignment (<c>providerInfo.windowAssignment</c>, or
/// <c>latestAssignment(slot, provider)</c> for a given slot), its slot's staged pieces, and where it stands at
/// <see cref="HeadEpoch"/>.
/// </summary>
public sealed record ProviderWindow
{
    /// <summary>Filecoin epochs are 30 seconds (builtin-actors EPOCH_DURATION_SECONDS).</summary>
    public const double EpochSeconds = 30;

    public required ulong Miner { get; init; }

    /// <summary>The slot (chain height of the snapshot); 0 with <see cref="WindowState.None"/>.</summary>
    public required ulong Slot { get; init; }

    public required ulong Assignment { get; init; }
    public required ulong FirstEpoch { get; init; }
    public required ulong LastEpoch { get; init; }

    /// <summary>The contract's assignment status: 1 open, 2 fulfilled, 3 missed, 4 failed, 5 void (0: none).</summary>
    public required byte AssignmentStatus { get; init; }

    /// <summary>The chain head (eth_blockNumber) the state was computed at.</summary>
    public required ulong HeadEpoch { get; init; }

    public required IReadOnlyList<StagedPiece> Pieces { get; init; }

    /// <summary>The epoch a transaction sent now lands in at the earliest: the head + 1.</summary>
    public ulong NextEpoch => HeadEpoch + 1;

    public WindowState State => Compute(AssignmentStatus, FirstEpoch, LastEpoch, NextEpoch);

    /// <summary>
    /// Epochs of the window in which a transaction can still land: from the next epoch (open) or the first epoch
    /// (upcoming) to the last, inclusive; 0 when closed.
    /// </summary>
    public ulong EpochsLeft => State is WindowState.Open or WindowState.Upcoming ? LastEpoch - Math.Max(FirstEpoch, NextEpoch) + 1 : 0;

    /// <summary>Epochs until the window opens (0 when it is open or over).</summary>
    public ulong EpochsUntilOpen => State == WindowState.Upcoming ? FirstEpoch - NextEpoch : 0;

    /// <summary>The window's assignment status name.</summary>
    public string AssignmentStatusName => AssignmentStatus switch
    {
        0 => "None",
        1 => "Open",
        2 => "Fulfilled",
        3 => "Missed",
        4 => "Failed",
        5 => "Void",
        _ => $"Unknown({AssignmentStatus})",
    };

    /// <summary>
    /// The window state of an assignment for a transaction landing at <paramref name="nextEpoch"/>: the contract's
    /// proposeDeal accepts it while <c>status == A_OPEN</c> and <c>first &lt;= block.number &lt;= last</c>
    /// (FilFilDealClient._proposerProvider).
    /// </summary>
    public static WindowState Compute(byte status, ulong first, ulong last, ulong nextEpoch)
    {
        if (status == 0) return WindowState.None;
        if (status != 1 || nextEpoch > last) return WindowState.Closed;
        return nextEpoch < first ? WindowState.Upcoming : WindowState.Open;
    }
}
