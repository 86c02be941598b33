using System.Numerics;

namespace FilFil.DealClient.Ethereum;

/// <summary>EIP-1559 fees for one transaction: the latest base fee, the node's suggested tip and the resulting cap.</summary>
/// <param name="BaseFeePerGas">Base fee of the latest block (attoFIL/wei per gas).</param>
/// <param name="MaxPriorityFeePerGas">eth_maxPriorityFeePerGas (Lotus and anvil both serve it).</param>
/// <param name="MaxFeePerGas">2 × base fee + tip: survives the base fee doubling before inclusion.</param>
public sealed record FeeEstimate(BigInteger BaseFeePerGas, BigInteger MaxPriorityFeePerGas, BigInteger MaxFeePerGas);
