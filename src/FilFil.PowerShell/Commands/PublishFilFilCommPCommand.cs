using System.Management.Automation;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Publish-FilFilCommP (fil-fil incentivize): the operator publishes a snapshot's piece CIDs under its chain height
/// (publishSlot). Takes New-FilFilSnapshot records from the pipeline (Height and Pieces bind by property name) or
/// -Height and -Piece. A height already published is refused unless -Correct, the explicit correction path after a
/// reorg or a wrong commP: retractSlot, then publishSlot.
/// </summary>
[Cmdlet(VerbsData.Publish, "FilFilCommP", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class PublishFilFilCommPCommand : DealClientTransactionCmdlet
{
    /// <summary>Chain height of the snapshot: the slot.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, long.MaxValue)]
    public long Height { get; set; }

    /// <summary>The pieces: objects with PieceCidV1 (or PieceCid), PaddedSize and PayloadSize (or CarSize).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Pieces")]
    [ValidateNotNull]
    public PSObject[] Piece { get; set; } = [];

    /// <summary>Replace a published height: retractSlot, then publishSlot.</summary>
    [Parameter]
    public SwitchParameter Correct { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => TryRun(Height, () =>
    {
        var pieces = PieceInputs.From(Piece);
        ulong height = (ulong)Height;
        string target = $"height {height} on {ContractAddress}";
        var existing = Reader.Slot(height);
        if (existing.Exists && !Correct) throw new SlotPublishedException(height, existing.PieceCount, existing.PublishedAt, ContractAddress);
        if (Correct)
        {
            if (!existing.Exists) WriteWarning($"height {height} is not published: -Correct has nothing to retract, it is published as new");
            else
            {
                if (SendAndWrite(new RetractSlotFunction { Slot = height }, target, "Retract the published slot (correction)", Event<SlotRetractedEvent>()) == null
                    && !Unsigned) return;
            }
        }
        SendAndWrite(new PublishSlotFunction { Slot = height, Pieces = pieces }, target,
            $"Publish {pieces.Count} piece CID(s)", Event<SlotPublishedEvent>(), Event<PieceStagedEvent>(), Event<WindowAssignedEvent>());
    });
}
