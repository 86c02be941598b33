using System.Management.Automation;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>Resume-FilFilDealClient: the operator unpauses the contract (unpause).</summary>
[Cmdlet(VerbsLifecycle.Resume, "FilFilDealClient", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class ResumeFilFilDealClientCommand : DealClientTransactionCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        TryRun(ContractAddress, () => SendAndWrite(new UnpauseFunction(), ContractAddress, "Resume the deal client (unpause)", Event<UnpausedEvent>()));
        base.EndProcessing();
    }
}
