using System.Management.Automation;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Receive-FilFilReward: the provider's controller claims the vested reward of its deals (claim); the reward is
/// paid to the controller. -DealId binds from the pipeline by property name.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "FilFilReward", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class ReceiveFilFilRewardCommand : DealClientTransactionCmdlet
{
    /// <summary>Deal IDs (the market's).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public ulong[] DealId { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        SendForEachDeal(DealId, id => new ClaimFunction { DealId = id }, "Claim the vested reward", Event<RewardClaimedEvent>());
}
