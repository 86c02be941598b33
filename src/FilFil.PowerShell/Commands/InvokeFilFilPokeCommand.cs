using System.Management.Automation;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Invoke-FilFilPoke: a keeper checks deals against the market (poke): activation is recorded, a terminated deal
/// forfeits its unvested reward (the keeper earns a bounty) and its provider is deregistered.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "FilFilPoke", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class InvokeFilFilPokeCommand : DealClientTransactionCmdlet
{
    /// <summary>Deal IDs (the market's).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public ulong[] DealId { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var id in DealId)
        {
            TryRun(id, () =>
            {
                var result = SendTransaction(new PokeFunction { DealId = id }, $"deal {id} on {ContractAddress}", "Check the deal against the market (poke)",
                    Event<DealActivatedEvent>(), Event<DealTerminatedEvent>(), Event<KeeperBountyEvent>(), Event<ProviderDeregisteredEvent>());
                if (result != null) WriteObject(result);
            });
        }
    }
}
