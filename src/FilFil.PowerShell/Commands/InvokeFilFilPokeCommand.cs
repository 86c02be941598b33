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
    protected override void ProcessRecord() =>
        SendForEachDeal(DealId, id => new PokeFunction { DealId = id }, "Check the deal against the market (poke)",
            Event<DealActivatedEvent>(), Event<DealTerminatedEvent>(), Event<KeeperBountyEvent>(), Event<ProviderDeregisteredEvent>());
}
