using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>takeOver</c>: Provider: the miner's owner takes over its registration (new controller).</summary>
[Function("takeOver")]
public class TakeOverFunction : FunctionMessage
{
    [Parameter("uint64", "minerId", 1)]
    public ulong MinerId { get; set; }
}
