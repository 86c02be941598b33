using System.Management.Automation;

namespace FilFil.PowerShell.DealClient;

/// <summary>A deal-client setting (RPC URL, contract, keystore) is given nowhere; the message names where to give it.</summary>
public sealed class MissingSettingException : PSArgumentException
{
    public MissingSettingException(string message) : base(message) { }
}
