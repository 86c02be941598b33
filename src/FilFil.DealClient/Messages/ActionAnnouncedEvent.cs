using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>ActionAnnounced</c>.</summary>
[Event("ActionAnnounced")]
public class ActionAnnouncedEvent : IEventDTO
{
    [Parameter("bytes32", "action", 1, true)]
    public byte[] Action { get; set; } = null!;

    [Parameter("uint64", "executableAt", 2, false)]
    public ulong ExecutableAt { get; set; }
}
