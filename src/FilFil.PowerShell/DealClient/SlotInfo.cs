namespace FilFil.PowerShell.DealClient;

/// <summary>A published snapshot slot (contract slotInfo, pieceInfo and slotReplicas).</summary>
public sealed class SlotInfo
{
    /// <summary>Chain height of the snapshot: the slot's key.</summary>
    public ulong Height { get; init; }
    public uint PieceCount { get; init; }
    /// <summary>Block (epoch) of the publication.</summary>
    public ulong PublishedAt { get; init; }
    /// <summary>Epoch until which the snapshot should be kept.</summary>
    public ulong LifetimeEnd { get; init; }
    /// <summary>Sum of the padded piece sizes.</summary>
    public ulong TotalSize { get; init; }
    /// <summary>Deals recorded for the slot.</summary>
    public uint Deals { get; init; }
    /// <summary>False once the slot is retired from the listing.</summary>
    public bool Listed { get; init; }
    public required SlotPieceInfo[] Pieces { get; init; }
    /// <summary>Every replica ever assigned: who stores the snapshot, its window and deal states.</summary>
    public required ReplicaInfo[] Replicas { get; init; }
}
