using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>providerInfo</c>: A provider.</summary>
[Function("providerInfo")]
public class ProviderInfoFunction : FunctionMessage
{
    [Parameter("uint64", "id", 1)]
    public ulong Id { get; set; }
}
