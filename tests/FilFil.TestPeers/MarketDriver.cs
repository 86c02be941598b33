using System.Numerics;
using FilFil.DealClient.Ethereum;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3.Accounts;

namespace FilFil.TestPeers;

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
        fn.Gas = Gas;
        var hash = await endpoint.SendAsync(account, MarketActor.Address, fn, ct).ConfigureAwait(false);
        var receipt = await endpoint.WaitForReceiptAsync(hash, null, ct).ConfigureAwait(false);
        if (receipt.Status.Value != 1) throw new InvalidOperationException($"{typeof(TFunction).Name} on the market stand-in failed ({receipt.TransactionHash})");
        return receipt;
    }
}
