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
    protected override void ProcessRecord()
    {
        foreach (var id in DealId)
        {
            TryRun(id, () =>
            {
                var result = SendTransaction(new ClaimFunction { DealId = id }, $"deal {id} on {ContractAddress}", "Claim the vested reward",
                    Event<RewardClaimedEvent>());
                if (result != null) WriteObject(result);
            });
        }
    }
}
