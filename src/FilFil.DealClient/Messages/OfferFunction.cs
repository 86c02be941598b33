using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>offer</c>: Keeper: offer a slot's windows to providers (returns the number assigned).</summary>
[Function("offer", "uint256")]
public class OfferFunction : FunctionMessage
{
    [Parameter("uint64", "slot", 1)]
    public ulong Slot { get; set; }
}
