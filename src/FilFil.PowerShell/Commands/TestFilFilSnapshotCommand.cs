using System.Management.Automation;
using FilFil.Core.Snapshot;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Test-FilFilSnapshot: checks a snapshot as Lotus would use it: every block hash, and that every block Lotus's
/// walk needs from its roots is present (reports the first missing CID).
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "FilFilSnapshot", DefaultParameterSetName = PathSet)]
[OutputType(typeof(SnapshotTestResult))]
public sealed class TestFilFilSnapshotCommand : FilFilPathCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var file in ResolveFiles())
        {
            TryRun(file, () =>
            {
                var v = RunEngine("Test-FilFilSnapshot", file, 0, (_, ct) => SnapshotVerifier.Verify(file, ct));
                WriteObject(SnapshotTestResult.From(file, v));
            });
        }
    }
}
