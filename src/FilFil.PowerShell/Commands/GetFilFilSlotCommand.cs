using System.Management.Automation;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Get-FilFilSlot: published snapshot slots with their pieces and replicas (who stores the snapshot, windows, deal
/// states). Without -Height, every listed slot.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FilFilSlot")]
[OutputType(typeof(SlotInfo))]
public sealed class GetFilFilSlotCommand : DealClientCmdlet
{
    /// <summary>Chain heights of the slots; default every listed slot.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Slot")]
    public ulong[]? Height { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ulong[]? heights = Height;
        if (heights == null && !TryRun(ContractAddress, () => heights = Reader.SlotHeights())) return;
        foreach (var h in heights!)
        {
            TryRun(h, () =>
            {
                var slot = Reader.SlotInfo(h) ?? throw new ItemNotFoundException($"height {h} is not published on {ContractAddress}");
                WriteObject(slot);
            });
        }
    }
}
