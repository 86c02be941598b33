using System.Numerics;

namespace FilFil.PowerShell.DealClient;

/// <summary>
/// A state-changing call not signed here (-Unsigned): propose it from a multisig (SafeJson is a Safe Transaction
/// Builder batch file) or send it from another account as it is. Nothing was sent.
/// </summary>
public sealed class UnsignedTransaction
{
    private readonly FilFil.DealClient.Ethereum.UnsignedTransaction _transaction;

    internal UnsignedTransaction(FilFil.DealClient.Ethereum.UnsignedTransaction tx, string function, string action)
    {
        _transaction = tx;
        To = tx.To;
        Data = tx.Data;
        Value = tx.Value;
        ChainId = tx.ChainId;
        Function = function;
        SafeJson = tx.ToSafeBatchJson($"FilFil {function}", action);
    }

    /// <summary>The contract (0x, checksummed).</summary>
    public string To { get; }
    /// <summary>Calldata (0x hex): selector and ABI-encoded arguments.</summary>
    public string Data { get; }
    /// <summary>attoFIL (wei) the call carries.</summary>
    public BigInteger Value { get; }
    public BigInteger ChainId { get; }
    /// <summary>The contract function ("publishSlot").</summary>
    public string Function { get; }
    /// <summary>Safe Transaction Builder batch JSON holding this transaction.</summary>
    public string SafeJson { get; }

    /// <summary>
    /// The transaction (to, data, value) for another account to send as it is, e.g. with
    /// [FilFil.DealClient.Ethereum.EthereumEndpoint]::SendAsync(account, input, ct).
    /// </summary>
    public Nethereum.RPC.Eth.DTOs.TransactionInput ToTransactionInput() => _transaction.ToTransactionInput();
}
