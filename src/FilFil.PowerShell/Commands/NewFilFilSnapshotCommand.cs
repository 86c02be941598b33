using System.Management.Automation;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// New-FilFilSnapshot: writes a Lotus-compatible snapshot of the session engine's chain (Lotus WalkSnapshot order,
/// CARv1 or FRC-0108 v2) with its piece commitment computed in the same pass, atomically (temp file, fsync,
/// rename), and records it in the catalog. The follower keeps running meanwhile.
/// </summary>
[Cmdlet(VerbsCommon.New, "FilFilSnapshot", DefaultParameterSetName = "Head", SupportsShouldProcess = true)]
[OutputType(typeof(SnapshotRecord))]
public sealed class NewFilFilSnapshotCommand : FilFilCmdlet
{
    /// <summary>Output CAR file (with -PieceSize: the prefix of prefix.000.car, prefix.001.car, ...).</summary>
    [Parameter(Mandatory = true, Position = 0), ValidateNotNullOrEmpty] public string Path { get; set; } = "";
    /// <summary>Snapshot the tipset at this height (or the last one below it, across null rounds).</summary>
    [Parameter(ParameterSetName = "Height", Mandatory = true), ValidateRange(0, long.MaxValue)] public long Height { get; set; }
    /// <summary>Snapshot this tipset (its block CIDs).</summary>
    [Parameter(ParameterSetName = "TipSet", Mandatory = true)] public string[] TipSet { get; set; } = [];
    /// <summary>N (Lotus --recent-stateroots): state and messages for heights in (H-N, H], plus genesis state; 0 = genesis state only.</summary>
    [Parameter, ValidateRange(0, long.MaxValue)] public long RecentStateRoots { get; set; }
    /// <summary>Lotus --skip-old-msgs: messages only within the recent window.</summary>
    [Parameter] public SwitchParameter SkipOldMessages { get; set; }
    /// <summary>V1 (roots = head tipset, Lotus ExportV1) or V2 (FRC-0108 metadata root).</summary>
    [Parameter] public SnapshotFormat Format { get; set; } = SnapshotFormat.V1;
    /// <summary>zstd-compress the file (for distribution; deals need the plain CAR, so no piece CID is computed).</summary>
    [Parameter] public SwitchParameter Compress { get; set; }
    /// <summary>Split into pieces that each fit a sector of this size (32GiB or 64GiB); each piece gets its piece CID.</summary>
    [Parameter, ValidateSet("32GiB", "64GiB")] public string? PieceSize { get; set; }

    /// <inheritdoc />
    protected override ErrorCategory IOErrorCategory => ErrorCategory.WriteError;

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        string full = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(full, "Write snapshot")) return;
        TryRun(full, () =>
        {
            var engine = EngineSession.Require();
            var req = new TakeSnapshotRequest
            {
                Path = full,
                Height = ParameterSetName == "Height" ? Height : null,
                TipSetKey = ParameterSetName == "TipSet" ? TipSet.Select(Cid.Parse).ToArray() : null,
                RecentStateRoots = RecentStateRoots, SkipOldMessages = SkipOldMessages, Format = Format,
                ZstdLevel = Compress ? 3 : 0,
                PieceSize = PieceSize switch { "32GiB" => 32L << 30, "64GiB" => 64L << 30, _ => null },
            };
            var record = RunEngine("New-FilFilSnapshot", full, 0, (progress, ct) =>
                SnapshotService.TakeAsync(engine, req, new SnapshotCatalog(), progress, ct).GetAwaiter().GetResult());
            WriteVerbose($"{full}: height {record.Height}, {record.Blocks} blocks, {record.Bytes} bytes in {record.Seconds:F2} s");
            WriteObject(record);
        });
    }
}
