namespace FilFil.DealClient.Ethereum;

/// <summary>
/// A contract call reverted (in eth_call or gas estimation, so nothing was sent and no gas spent, unless
/// <see cref="Mined"/>). <see cref="ErrorName"/> is the contract's custom error ("NotOwner", "SlotExists", ...),
/// empty when the revert carried no known error; the message holds the decoded arguments.
/// </summary>
public sealed class ContractRevertException : InvalidOperationException
{
    public ContractRevertException(string function, string contract, string errorName, string decoded, bool mined = false, Exception? inner = null)
        : base(mined
            ? $"{function} on {contract} was mined but reverted: {decoded}"
            : $"{function} on {contract} reverts: {decoded}; nothing was sent, no gas spent", inner)
    {
        Function = function;
        Contract = contract;
        ErrorName = errorName;
        Decoded = decoded;
        Mined = mined;
    }

    public string Function { get; }
    public string Contract { get; }
    public string ErrorName { get; }
    public string Decoded { get; }
    /// <summary>True when the transaction was mined and failed (its gas is spent).</summary>
    public bool Mined { get; }
}
