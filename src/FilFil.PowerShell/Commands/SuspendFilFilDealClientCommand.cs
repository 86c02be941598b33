using System.Management.Automation;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>Suspend-FilFilDealClient: the operator pauses the contract (pause).</summary>
[Cmdlet(VerbsLifecycle.Suspend, "FilFilDealClient", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class SuspendFilFilDealClientCommand : DealClientTransactionCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        TryRun(ContractAddress, () => SendAndWrite(new PauseFunction(), ContractAddress, "Suspend new windows, proposals and settlements (pause)", Event<PausedEvent>()));
        base.EndProcessing();
    }
}
