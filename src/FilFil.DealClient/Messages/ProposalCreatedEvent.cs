using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>ProposalCreated</c>.</summary>
[Event("ProposalCreated")]
public class ProposalCreatedEvent : IEventDTO
{
    [Parameter("bytes32", "id", 1, true)]
    public byte[] Id { get; set; } = null!;

    [Parameter("uint64", "slot", 2, true)]
    public ulong Slot { get; set; }

    [Parameter("uint32", "pieceIndex", 3, false)]
    public uint PieceIndex { get; set; }

    [Parameter("int64", "startEpoch", 4, false)]
    public long StartEpoch { get; set; }

    [Parameter("int64", "endEpoch", 5, false)]
    public long EndEpoch { get; set; }

    [Parameter("string", "locationRef", 6, false)]
    public string LocationRef { get; set; } = null!;
}
