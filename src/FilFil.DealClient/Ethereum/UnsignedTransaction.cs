using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace FilFil.DealClient.Ethereum;

/// <summary>
/// A state-changing call that is not signed here (-Unsigned): where it goes, its calldata, the value it carries and
/// the chain. A multisig operator proposes it (Safe Transaction Builder JSON) or another account sends it as is.
/// </summary>
public sealed record UnsignedTransaction(string To, string Data, BigInteger Value, BigInteger ChainId)
{
    /// <summary>The call of a typed message to a contract. Value is the message's AmountToSend.</summary>
    public static UnsignedTransaction For<TFunction>(string contract, TFunction function, BigInteger chainId)
        where TFunction : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(function);
        var to = EthereumEndpoint.NormalizeAddress(contract);
        return new UnsignedTransaction(to, function.GetCallData().ToHex(true), function.AmountToSend, chainId);
    }

    /// <summary>
    /// The Safe Transaction Builder batch file (safe-global safe-react-apps tx-builder typings/models.ts BatchFile:
    /// version, chainId, createdAt, meta, transactions of {to, value, data}) holding these transactions. Value is a
    /// decimal string in wei/attoFIL, as the builder writes it. No checksum: the builder accepts files without one.
    /// </summary>
    public static string ToSafeBatchJson(IReadOnlyList<UnsignedTransaction> transactions, string name, string? description = null,
        string? safeAddress = null, DateTimeOffset? createdAt = null)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (transactions.Count == 0) throw new ArgumentException("a batch holds at least one transaction", nameof(transactions));
        var chain = transactions[0].ChainId;
        if (transactions.Any(t => t.ChainId != chain)) throw new ArgumentException("all transactions of a batch are for the same chain", nameof(transactions));
        var meta = new JsonObject { ["name"] = name, ["description"] = description ?? "" };
        if (safeAddress != null) meta["createdFromSafeAddress"] = EthereumEndpoint.NormalizeAddress(safeAddress);
        var txs = new JsonArray();
        foreach (var t in transactions)
            txs.Add(new JsonObject { ["to"] = t.To, ["value"] = t.Value.ToString(CultureInfo.InvariantCulture), ["data"] = t.Data });
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["chainId"] = chain.ToString(CultureInfo.InvariantCulture),
            ["createdAt"] = (createdAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
            ["meta"] = meta,
            ["transactions"] = txs,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The transaction to send as it is from another account (<see cref="EthereumEndpoint.SendAsync(Nethereum.Web3.Accounts.Account, TransactionInput, CancellationToken)"/>).</summary>
    public TransactionInput ToTransactionInput() => new() { To = To, Data = Data, Value = new HexBigInteger(Value) };

    public string ToSafeBatchJson(string name, string? description = null, string? safeAddress = null, DateTimeOffset? createdAt = null) =>
        ToSafeBatchJson([this], name, description, safeAddress, createdAt);
}
