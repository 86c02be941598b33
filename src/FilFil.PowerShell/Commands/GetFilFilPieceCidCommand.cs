using System.Management.Automation;
using FilFil.Core.Piece;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Get-FilFilPieceCid: the piece commitment (commP) of files, as piece CID v1 and v2 with payload and padded sizes.
/// Files bind from the pipeline by value and by property name; big files show a progress bar; Ctrl-C cancels.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FilFilPieceCid", DefaultParameterSetName = PathSet)]
[OutputType(typeof(PieceCidResult))]
public sealed class GetFilFilPieceCidCommand : FilFilPathCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var file in ResolveFiles())
        {
            TryRun(file, () =>
            {
                long length = new FileInfo(file).Length;
                var info = RunEngine("Get-FilFilPieceCid", file, length, (progress, ct) =>
                {
                    Log.Debug("computing commP of {File} ({Length} bytes)", file, length);
                    return PieceCommitment.ComputeFile(file, progress, ct);
                });
                WriteVerbose($"{file}: {info.PieceCidV1} padded {info.PaddedSize}");
                WriteObject(PieceCidResult.From(file, info));
            });
        }
    }
}
