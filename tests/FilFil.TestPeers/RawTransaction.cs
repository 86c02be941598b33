using System.Numerics;
using FilFil.DealClient.Ethereum;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3.Accounts;

namespace FilFil.TestPeers;

/// <summary>
/// Sends a transaction given as to/data/value (what <c>-Unsigned</c> cmdlets output, or a Safe batch entry) from an
/// account, as a multisig owner or a wallet would: Nethereum estimates the gas, signs (EIP-1559) and sends; the
/// receipt is awaited.
/// </summary>
public static class RawTransaction
{
    public static async Task<TransactionReceipt> SendAsync(EthereumEndpoint endpoint, Account account, string to, string data,
        BigInteger value = default, CancellationToken ct = default, BigInteger? gas = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(account);
        var fees = await endpoint.GetFeesAsync(ct).ConfigureAwait(false);
        var input = new TransactionInput
        {
            From = account.Address,
            To = EthereumEndpoint.NormalizeAddress(to),
            Data = data,
            Value = new HexBigInteger(value),
            MaxFeePerGas = new HexBigInteger(fees.MaxFeePerGas),
            MaxPriorityFeePerGas = new HexBigInteger(fees.MaxPriorityFeePerGas),
            Nonce = new HexBigInteger(await endpoint.GetNonceAsync(account.Address, ct).ConfigureAwait(false)),
        };
        var web3 = endpoint.Web3For(account);
        input.Gas = gas is { } g ? new HexBigInteger(g) : await web3.Eth.TransactionManager.EstimateGasAsync(input).WaitAsync(ct).ConfigureAwait(false);
        string hash = await web3.Eth.TransactionManager.SendTransactionAsync(input).WaitAsync(ct).ConfigureAwait(false);
        return await endpoint.WaitForReceiptAsync(hash, null, ct).ConfigureAwait(false);
    }
}

/// <summary>
/// The market actor's own moves, which no client sends on a real chain (f05 does them when a sector is proven or a
/// deal slashed), driven on the stand-in from any funded account; each waits for its receipt and throws if it failed.
/// </summary>
public static class MarketDriver
{
    public static Task<TransactionReceipt> ActivateAsync(EthereumEndpoint endpoint, Account account, ulong dealId, long epoch, CancellationToken ct = default) =>
        SendAsync(endpoint, account, new ActivateFunction { DealId = dealId, Epoch = epoch }, ct);

    public static Task<TransactionReceipt> TerminateAsync(EthereumEndpoint endpoint, Account account, ulong dealId, CancellationToken ct = default) =>
        SendAsync(endpoint, account, new TerminateFunction { DealId = dealId }, ct);

    /// <summary>
    /// A fixed gas limit, not the estimate: activate's call into the miner stand-in (commitSector) may fail without
    /// failing activate, so eth_estimateGas settles on a limit where that inner call runs out of gas and the sector is
    /// never committed (the contract would then see a dead sector).
    /// </summary>
    public static readonly BigInteger Gas = 500_000;

    private static async Task<TransactionReceipt> SendAsync<TFunction>(EthereumEndpoint endpoint, Account account, TFunction fn, CancellationToken ct)
        where TFunction : Nethereum.Contracts.FunctionMessage, new()
    {
        var receipt = await RawTransaction.SendAsync(endpoint, account, MarketActor.Address, "0x" + Convert.ToHexString(fn.GetCallData()).ToLowerInvariant(), 0, ct, Gas).ConfigureAwait(false);
        if (receipt.Status.Value != 1) throw new InvalidOperationException($"{typeof(TFunction).Name} on the market stand-in failed ({receipt.TransactionHash})");
        return receipt;
    }
}
