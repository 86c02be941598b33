using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>A published slot (slotInfo). Solidity struct <c>FilFilStorage.Slot</c>.</summary>
public class SlotData
{
    [Parameter("bool", "exists", 1)]
    public bool Exists { get; set; }

    [Parameter("uint32", "pieceCount", 2)]
    public uint PieceCount { get; set; }

    [Parameter("uint64", "publishedAt", 3)]
    public ulong PublishedAt { get; set; }

    [Parameter("uint64", "lifetimeEnd", 4)]
    public ulong LifetimeEnd { get; set; }

    [Parameter("uint64", "totalSize", 5)]
    public ulong TotalSize { get; set; }

    [Parameter("uint32", "deals", 6)]
    public uint Deals { get; set; }

    [Parameter("bool", "listed", 7)]
    public bool Listed { get; set; }
}
