using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>setRetrievalUrl</c>: Provider: change the retrieval URL.</summary>
[Function("setRetrievalUrl")]
public class SetRetrievalUrlFunction : FunctionMessage
{
    [Parameter("uint64", "provider", 1)]
    public ulong Provider { get; set; }

    [Parameter("string", "retrievalUrl", 2)]
    public string RetrievalUrl { get; set; } = null!;
}
