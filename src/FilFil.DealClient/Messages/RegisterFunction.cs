using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>register</c>: Provider: register a miner with collateral (AmountToSend) and a retrieval URL.</summary>
[Function("register")]
public class RegisterFunction : FunctionMessage
{
    [Parameter("uint64", "minerId", 1)]
    public ulong MinerId { get; set; }

    [Parameter("string", "retrievalUrl", 2)]
    public string RetrievalUrl { get; set; } = null!;
}
