using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>unregister</c>: Provider: leave the roster.</summary>
[Function("unregister")]
public class UnregisterFunction : FunctionMessage
{
    [Parameter("uint64", "provider", 1)]
    public ulong Provider { get; set; }
}
