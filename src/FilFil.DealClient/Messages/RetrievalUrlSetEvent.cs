using Nethereum.ABI.FunctionEncoding.Attributes;

namespace FilFil.DealClient.Messages;

/// <summary>Event <c>RetrievalUrlSet</c>.</summary>
[Event("RetrievalUrlSet")]
public class RetrievalUrlSetEvent : IEventDTO
{
    [Parameter("uint64", "provider", 1, true)]
    public ulong Provider { get; set; }

    [Parameter("string", "retrievalUrl", 2, false)]
    public string RetrievalUrl { get; set; } = null!;
}
