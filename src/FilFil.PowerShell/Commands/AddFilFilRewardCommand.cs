using System.Management.Automation;
using System.Numerics;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>Add-FilFilReward: funds the contract's reward pool (fundRewards). Anyone may fund it.</summary>
[Cmdlet(VerbsCommon.Add, "FilFilReward", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class AddFilFilRewardCommand : DealClientTransactionCmdlet
{
    /// <summary>attoFIL, or "n FIL".</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [FilAmountTransformation]
    public BigInteger Amount { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        TryRun(ContractAddress, () =>
        {
            if (Amount.IsZero) throw new PSArgumentException("-Amount must be more than zero");
            SendAndWrite(new FundRewardsFunction { AmountToSend = Amount }, ContractAddress,
                $"Fund the reward pool with {Amount} attoFIL", Event<RewardsFundedEvent>());
        });
        base.EndProcessing();
    }
}
