using System.Diagnostics;
using System.Net.Http.Headers;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Util;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace FilFil.DealClient.Ethereum;

/// <summary>
/// An Ethereum JSON-RPC endpoint: anvil, or Lotus's /rpc/v1 (which serves eth_* next to Filecoin.*, optionally
/// behind a bearer token). Chain id, nonces, EIP-1559 fees from the latest base fee and eth_maxPriorityFeePerGas,
/// typed calls and transactions on Nethereum, receipts awaited with progress and cancellation.
/// </summary>
public sealed class EthereumEndpoint
{
    private readonly RpcClient _client;
    private BigInteger? _chainId;

    /// <param name="url">http(s) URL of the endpoint, e.g. http://127.0.0.1:1234/rpc/v1 or http://127.0.0.1:8545.</param>
    /// <param name="token">Lotus API token (sent as "Authorization: Bearer"); null for none. Kept only in the HTTP header.</param>
    public EthereumEndpoint(Uri url, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"the Ethereum endpoint is an http(s) URL, not {url.Scheme}:", nameof(url));
        Url = url;
        _client = new RpcClient(url, string.IsNullOrEmpty(token) ? null : new AuthenticationHeaderValue("Bearer", token));
    }

    public Uri Url { get; }

    /// <summary>How often a pending receipt is polled: anvil mines at once, Lotus every 30 s.</summary>
    public TimeSpan ReceiptPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Read-only Web3 (calls, logs, receipts).</summary>
    public Web3 Web3 => new(_client);

    public Web3 Web3For(Account account) => new(account, _client);

    public async Task<BigInteger> GetChainIdAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        _chainId ??= (await Web3.Eth.ChainId.SendRequestAsync().WaitAsync(ct).ConfigureAwait(false)).Value;
        return _chainId.Value;
    }

    /// <summary>The next nonce of an account, counting its pending transactions.</summary>
    public async Task<BigInteger> GetNonceAsync(string address, CancellationToken ct = default) =>
        (await Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(NormalizeAddress(address), BlockParameter.CreatePending())
            .WaitAsync(ct).ConfigureAwait(false)).Value;

    public async Task<FeeEstimate> GetFeesAsync(CancellationToken ct = default)
    {
        var block = await Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest())
            .WaitAsync(ct).ConfigureAwait(false);
        var baseFee = block?.BaseFeePerGas?.Value ?? BigInteger.Zero;
        var tip = (await _client.SendRequestAsync<HexBigInteger>("eth_maxPriorityFeePerGas").WaitAsync(ct).ConfigureAwait(false)).Value;
        return new FeeEstimate(baseFee, tip, 2 * baseFee + tip);
    }

    /// <summary>eth_call of a getter with a single return value.</summary>
    public Task<TOut> QueryAsync<TFunction, TOut>(string contract, TFunction function, CancellationToken ct = default)
        where TFunction : FunctionMessage, new() =>
        Web3.Eth.GetContractQueryHandler<TFunction>().QueryAsync<TOut>(NormalizeAddress(contract), function).WaitAsync(ct);

    /// <summary>eth_call of a getter decoded into its [FunctionOutput] type.</summary>
    public Task<TOut> QueryOutputAsync<TFunction, TOut>(string contract, TFunction function, CancellationToken ct = default)
        where TFunction : FunctionMessage, new() where TOut : IFunctionOutputDTO, new() =>
        Web3.Eth.GetContractQueryHandler<TFunction>().QueryDeserializingToObjectAsync<TOut>(function, NormalizeAddress(contract)).WaitAsync(ct);

    /// <summary>
    /// Signs (EIP-1559) and sends a typed call from <paramref name="account"/>, after estimating its gas (the node
    /// refuses a call that would revert here, before anything is spent). Returns the transaction hash.
    /// </summary>
    public Task<string> SendAsync<TFunction>(Account account, string contract, TFunction function, CancellationToken ct = default)
        where TFunction : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(function);
        return SendAsync(account, function.CreateTransactionInput(NormalizeAddress(contract)), ct);
    }

    /// <summary>
    /// Signs (EIP-1559) and sends a transaction given as to, data and value (what an <c>-Unsigned</c> cmdlet writes,
    /// or a Safe batch entry) from <paramref name="account"/>, as a wallet would: the fees from the latest block, the
    /// account's next nonce and, unless <paramref name="input"/> carries a gas limit, the node's estimate (a call that
    /// would revert is refused there, before anything is spent). The sender is always <paramref name="account"/>.
    /// Returns the transaction hash.
    /// </summary>
    public async Task<string> SendAsync(Account account, TransactionInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(input);
        input.From = account.Address;
        input.To = NormalizeAddress(input.To);
        input.Value ??= new HexBigInteger(0);
        var fees = await GetFeesAsync(ct).ConfigureAwait(false);
        input.MaxPriorityFeePerGas = new HexBigInteger(fees.MaxPriorityFeePerGas);
        input.MaxFeePerGas = new HexBigInteger(fees.MaxFeePerGas);
        input.Nonce = new HexBigInteger(await GetNonceAsync(account.Address, ct).ConfigureAwait(false));
        var transactions = Web3For(account).Eth.TransactionManager;
        input.Gas ??= await transactions.EstimateGasAsync(input).WaitAsync(ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return await transactions.SendTransactionAsync(input).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls eth_getTransactionReceipt until the transaction is mined, reporting the head block each round, until
    /// <paramref name="ct"/> is cancelled (Ctrl-C) — the transaction itself stays in the pool.
    /// </summary>
    public async Task<TransactionReceipt> WaitForReceiptAsync(string transactionHash, IProgress<ReceiptProgress>? progress = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionHash);
        var sw = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var receipt = await Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(transactionHash).WaitAsync(ct).ConfigureAwait(false);
            if (receipt != null) return receipt;
            if (progress != null)
            {
                var head = await Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(ct).ConfigureAwait(false);
                progress.Report(new ReceiptProgress(transactionHash, (ulong)head.Value, sw.Elapsed));
            }
            await Task.Delay(ReceiptPollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Lotus answers eth_getLogs for at most this many epochs per call (its MaxFilterHeightRange default, one day).</summary>
    public const ulong LotusLogRange = 2880;

    /// <summary>
    /// The decoded <typeparamref name="TEvent"/> logs of a contract from <paramref name="fromBlock"/> to
    /// <paramref name="toBlock"/> (inclusive), asked in pages of at most <paramref name="maxRange"/> blocks so that
    /// Lotus's range limit is never hit; null rounds are simply empty heights. In block order.
    /// </summary>
    public async Task<List<EventLog<TEvent>>> GetLogsAsync<TEvent>(string contract, ulong fromBlock, ulong toBlock,
        ulong maxRange = LotusLogRange, CancellationToken ct = default) where TEvent : IEventDTO, new()
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxRange);
        if (toBlock < fromBlock) throw new ArgumentException($"toBlock {toBlock} is before fromBlock {fromBlock}", nameof(toBlock));
        var ev = Web3.Eth.GetEvent<TEvent>(NormalizeAddress(contract));
        var all = new List<EventLog<TEvent>>();
        for (ulong start = fromBlock; ; start += maxRange)
        {
            ct.ThrowIfCancellationRequested();
            ulong end = toBlock - start < maxRange ? toBlock : start + maxRange - 1;
            var filter = ev.CreateFilterInput(new BlockParameter(start), new BlockParameter(end));
            all.AddRange(await ev.GetAllChangesAsync(filter).WaitAsync(ct).ConfigureAwait(false));
            if (end == toBlock) return all;
        }
    }

    /// <summary>A 0x address in EIP-55 checksum form; a clear error for anything else.</summary>
    public static string NormalizeAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!AddressUtil.Current.IsValidEthereumAddressHexFormat(address))
            throw new ArgumentException($"not an Ethereum address (0x and 40 hex digits): \"{address}\"", nameof(address));
        return AddressUtil.Current.ConvertToChecksumAddress(address);
    }
}
