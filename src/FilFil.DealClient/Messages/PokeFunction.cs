using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>poke</c>: Keeper: check a deal against the market (returns its state).</summary>
[Function("poke", "uint8")]
public class PokeFunction : FunctionMessage
{
    [Parameter("uint64", "dealId", 1)]
    public ulong DealId { get; set; }
}
