using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>PieceStaged</c>.</summary>
[Event("PieceStaged")]
public class PieceStagedEvent : IEventDTO
{
    [Parameter("uint64", "slot", 1, true)]
    public ulong Slot { get; set; }

    [Parameter("uint32", "index", 2, false)]
    public uint Index { get; set; }

    [Parameter("bytes", "pieceCid", 3, false)]
    public byte[] PieceCid { get; set; } = null!;

    [Parameter("uint64", "paddedSize", 4, false)]
    public ulong PaddedSize { get; set; }

    [Parameter("uint64", "carSize", 5, false)]
    public ulong CarSize { get; set; }
}
