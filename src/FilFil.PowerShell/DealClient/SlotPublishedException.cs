namespace FilFil.PowerShell.DealClient;

/// <summary>A height is already published and the caller did not ask for the correction path (-Correct).</summary>
public sealed class SlotPublishedException : InvalidOperationException
{
    public SlotPublishedException(ulong height, uint pieces, ulong publishedAt, string contract)
        : base($"height {height} is already published on {contract} ({pieces} piece(s), block {publishedAt}); nothing was sent. " +
            "To replace it (after a reorg or a wrong commP), run again with -Correct: it retracts the slot (retractSlot) and publishes the new pieces")
    {
        Height = height;
    }

    public ulong Height { get; }
}
