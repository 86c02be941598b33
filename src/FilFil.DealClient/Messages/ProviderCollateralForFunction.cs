using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>providerCollateralFor</c>: Provider collateral the market asks for a piece size.</summary>
[Function("providerCollateralFor", "uint256")]
public class ProviderCollateralForFunction : FunctionMessage
{
    [Parameter("uint64", "paddedSize", 1)]
    public ulong PaddedSize { get; set; }
}
