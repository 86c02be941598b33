using System.Management.Automation;
using FilFil.Core.Snapshot;

namespace FilFil.PowerShell.Commands;

/// <summary>Get-FilFilSnapshot: the snapshots taken on this machine (the catalog), newest last.</summary>
[Cmdlet(VerbsCommon.Get, "FilFilSnapshot")]
[OutputType(typeof(SnapshotRecord))]
public sealed class GetFilFilSnapshotCommand : FilFilCmdlet
{
    /// <summary>Only snapshots at these heights.</summary>
    [Parameter(Position = 0)] public long[]? Height { get; set; }
    /// <summary>Only the newest this-many.</summary>
    [Parameter, ValidateRange(1, int.MaxValue)] public int? Last { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        TryRun(null, () =>
        {
            IEnumerable<SnapshotRecord> all = new SnapshotCatalog().List();
            if (Height is not null) all = all.Where(r => Height.Contains(r.Height));
            var list = all.ToList();
            if (Last is { } n && list.Count > n) list = list.GetRange(list.Count - n, n);
            foreach (var r in list) WriteObject(r);
        });
    }
}
