using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>windowOf</c>: The provider's current window (first and last epoch).</summary>
[Function("windowOf")]
public class WindowOfFunction : FunctionMessage
{
    [Parameter("uint64", "provider", 1)]
    public ulong Provider { get; set; }
}
