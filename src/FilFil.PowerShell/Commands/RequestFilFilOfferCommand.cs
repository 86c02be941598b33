using System.Management.Automation;
using System.Numerics;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Request-FilFilOffer: keeper calls that move the round robin on. -Height offers a slot's missing replicas to the
/// next providers (offer, which also records the slot's closed windows); -Assignment settles a window that has
/// closed (settle: a miss, or void while paused).
/// </summary>
[Cmdlet(VerbsLifecycle.Request, "FilFilOffer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = "Offer")]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class RequestFilFilOfferCommand : DealClientTransactionCmdlet
{
    /// <summary>Chain height of the slot to offer.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Offer", ValueFromPipelineByPropertyName = true)]
    [Alias("Slot")]
    public ulong Height { get; set; }

    /// <summary>Window assignment to settle (ReplicaInfo.Assignment).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Settle")]
    public BigInteger Assignment { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Settle")
        {
            TryRun(Assignment, () => SendAndWrite(new SettleFunction { Assignment = Assignment }, $"assignment {Assignment} on {ContractAddress}",
                "Settle the closed window", Event<WindowMissedEvent>(), Event<WindowVoidedEvent>(), Event<ReplicaFailedEvent>(), Event<ProviderDeregisteredEvent>()));
            return;
        }
        TryRun(Height, () => SendAndWrite(new OfferFunction { Slot = Height }, $"height {Height} on {ContractAddress}",
            "Offer the slot's missing replicas", Event<SlotOfferedEvent>(), Event<WindowAssignedEvent>(), Event<WindowMissedEvent>()));
    }
}
