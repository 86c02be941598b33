using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>DealProposalCreate</c>.</summary>
[Event("DealProposalCreate")]
public class DealProposalCreateEvent : IEventDTO
{
    [Parameter("bytes32", "id", 1, true)]
    public byte[] Id { get; set; } = null!;

    [Parameter("uint64", "size", 2, false)]
    public ulong Size { get; set; }

    [Parameter("bool", "verified", 3, true)]
    public bool Verified { get; set; }

    [Parameter("uint256", "price", 4, false)]
    public BigInteger Price { get; set; }
}
