using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Messages;

/// <summary><c>withdrawCollateral</c>: Provider: withdraw collateral after leaving.</summary>
[Function("withdrawCollateral")]
public class WithdrawCollateralFunction : FunctionMessage
{
    [Parameter("uint64", "provider", 1)]
    public ulong Provider { get; set; }
}
