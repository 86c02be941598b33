namespace FilFil.DealClient.Deals;

/// <summary>Where a provider's window stands for a transaction sent now (it lands in the next epoch at the earliest).</summary>
public enum WindowState
{
    /// <summary>The provider was never assigned a window (for this slot).</summary>
    None,

    /// <summary>Assigned; its first epoch is still ahead.</summary>
    Upcoming,

    /// <summary>A proposeDeal sent now lands inside the window.</summary>
    Open,

    /// <summary>Past its last epoch, or already fulfilled, missed or voided.</summary>
    Closed,
}
