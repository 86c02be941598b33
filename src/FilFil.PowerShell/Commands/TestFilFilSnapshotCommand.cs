using System.Management.Automation;
using FilFil.Core.Snapshot;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Test-FilFilSnapshot: checks a snapshot as Lotus would use it: every block hash, and that every block Lotus's
/// walk needs from its roots is present (reports the first missing CID). A snapshot record (Get-FilFilSnapshot,
/// New-FilFilSnapshot) is checked as one snapshot: a multi-piece one as its pieces joined back together.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "FilFilSnapshot", DefaultParameterSetName = PathSet)]
[OutputType(typeof(SnapshotTestResult))]
public sealed class TestFilFilSnapshotCommand : FilFilPathCmdlet
{
    /// <summary>Parameter set name of -Snapshot.</summary>
    public const string SnapshotSet = "Snapshot";

    /// <summary>Snapshot records from Get-FilFilSnapshot or New-FilFilSnapshot; a split snapshot is checked whole.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SnapshotSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public SnapshotRecord[] Snapshot { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == SnapshotSet)
        {
            foreach (var record in Snapshot) TestRecord(record);
            return;
        }
        foreach (var file in ResolveFiles())
        {
            TryRun(file, () =>
            {
                var v = RunEngine("Test-FilFilSnapshot", file, 0, (_, ct) => SnapshotVerifier.Verify(file, ct));
                WriteObject(SnapshotTestResult.From([file], v));
            });
        }
    }

    private void TestRecord(SnapshotRecord record)
    {
        string target = record.Paths.FirstOrDefault() ?? $"the snapshot at height {record.Height}";
        TryRun(target, () =>
        {
            if (record.Paths.Length == 0) throw new ArgumentException($"the snapshot record at height {record.Height} names no file");
            var files = record.Paths.Select(ResolveLiteral).ToArray();
            var v = RunEngine("Test-FilFilSnapshot", target, 0, (_, ct) =>
                files.Length == 1 ? SnapshotVerifier.Verify(files[0], ct) : VerifyPieces(files, ct));
            WriteObject(SnapshotTestResult.From(files, v));
        });
    }

    /// <summary>Verifies the snapshot the pieces hold, read as Lotus would read the joined file.</summary>
    private static SnapshotVerification VerifyPieces(IReadOnlyList<string> pieces, CancellationToken ct)
    {
        using var joined = new JoinedPiecesStream(pieces);
        return SnapshotVerifier.Verify(joined, ct);
    }
}
