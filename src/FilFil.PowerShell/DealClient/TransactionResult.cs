using System.Numerics;

namespace FilFil.PowerShell.DealClient;

/// <summary>
/// A transaction this cmdlet signed, sent and saw mined: its hash, block, gas, status, sender and contract, the
/// contract function, and the contract's events it emitted that the cmdlet decodes (e.g. SlotPublished).
/// </summary>
public sealed class TransactionResult
{
    internal TransactionResult(string hash, ulong block, ulong gasUsed, bool success, string from, string to, string function,
        BigInteger effectiveGasPrice, IReadOnlyList<object> events)
    {
        Hash = hash;
        Block = block;
        GasUsed = gasUsed;
        Status = success ? "Success" : "Failed";
        From = from;
        To = to;
        Function = function;
        EffectiveGasPrice = effectiveGasPrice;
        Events = events;
    }

    /// <summary>Transaction hash (0x…).</summary>
    public string Hash { get; }
    /// <summary>Block (epoch on Filecoin) it was mined in.</summary>
    public ulong Block { get; }
    public ulong GasUsed { get; }
    /// <summary>attoFIL (wei) paid per gas unit.</summary>
    public BigInteger EffectiveGasPrice { get; }
    /// <summary>Success, or Failed (mined but reverted: the gas is spent).</summary>
    public string Status { get; }
    /// <summary>The sending account (0x).</summary>
    public string From { get; }
    /// <summary>The contract (0x).</summary>
    public string To { get; }
    /// <summary>The contract function ("publishSlot").</summary>
    public string Function { get; }
    /// <summary>The contract's decoded events of interest (FilFil.DealClient.Messages event objects), in log order.</summary>
    public IReadOnlyList<object> Events { get; }
}
