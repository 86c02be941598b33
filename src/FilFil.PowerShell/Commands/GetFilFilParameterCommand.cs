using System.Management.Automation;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>Get-FilFilParameter: the contract's parameters (getParams), whether it is paused, and its free reward pool.</summary>
[Cmdlet(VerbsCommon.Get, "FilFilParameter")]
[OutputType(typeof(DealClientParameters))]
public sealed class GetFilFilParameterCommand : DealClientCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        TryRun(ContractAddress, () => WriteObject(Reader.Parameters(ContractAddress)));
        base.EndProcessing();
    }
}
