using System.Management.Automation;
using FilFil.Core.Car;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Test-FilFilCar: reads whole CAR files (CARv1/CARv2, zstd), verifies every block hash (unless -SkipHashCheck),
/// counts codecs and decodes the head tipset's headers. A file that fails to parse gives a non-terminating
/// InvalidData error naming the byte offset; the next file is still processed.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "FilFilCar", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CarTestResult))]
public sealed class TestFilFilCarCommand : FilFilPathCmdlet
{
    /// <summary>Parse only; do not recompute block hashes.</summary>
    [Parameter]
    public SwitchParameter SkipHashCheck { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var file in ResolveFiles())
        {
            TryRun(file, () =>
            {
                long length = new FileInfo(file).Length;
                long total = IsZstd(file) ? 0 : length;
                var report = RunEngine("Test-FilFilCar", file, total, (progress, ct) =>
                {
                    Log.Debug("inspecting {File} ({Length} bytes, hash check {Check})", file, length, !SkipHashCheck);
                    return CarInspector.Inspect(file, !SkipHashCheck, progress, ct);
                });
                WriteVerbose($"{file}: {report.Blocks} blocks, {report.HashFailureCount} hash failures");
                WriteObject(CarTestResult.From(report, !SkipHashCheck));
            });
        }
    }

    private static bool IsZstd(string file)
    {
        Span<byte> head = stackalloc byte[4];
        using var fs = File.OpenRead(file);
        return fs.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]);
    }
}
