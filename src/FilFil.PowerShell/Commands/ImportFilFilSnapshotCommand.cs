using System.Diagnostics;
using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Import-FilFilSnapshot: loads a snapshot CAR (Lotus v1, FRC-0108 v2, CARv2, zstd or forest .car.zst) into the
/// session's engine, every block hash-verified, so New-FilFilSnapshot can write from it and a follower can catch up
/// from its head. The previous engine of the session is replaced only once the import succeeded.
/// </summary>
[Cmdlet(VerbsData.Import, "FilFilSnapshot", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(EngineStatus))]
public sealed class ImportFilFilSnapshotCommand : FilFilPathCmdlet
{
    /// <summary>N kept in memory after the import: state and messages for heights in (H-N, H] (default 2000).</summary>
    [Parameter, ValidateRange(0, int.MaxValue)] public int RecentStateRoots { get; set; } = 2000;
    /// <summary>Keep every height's messages back to genesis (the snapshot must hold them), so later snapshots can omit -SkipOldMessages.</summary>
    [Parameter] public SwitchParameter KeepAllMessages { get; set; }
    /// <summary>Stop the follower running on the session's chain, then replace the chain (without it, a running follower makes the import fail before it reads anything).</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var file in ResolveFiles())
        {
            if (!ShouldProcess(file, "Import into the session's engine, replacing the chain it holds")) continue;
            TryRun(file, () =>
            {
                if (!Force) FilFilSession.Current.EnsureNoFollowerRunning(); // before the import's work, not after it
                var clock = Stopwatch.StartNew();
                var engine = RunEngine("Import-FilFilSnapshot", file, 0, (_, ct) => ChainLoader.Import(file, RecentStateRoots, KeepAllMessages, ct));
                if (KeepAllMessages && ChainLoader.FirstTipSetWithoutMessages(engine.Window, engine) is { } lacking)
                {
                    engine.Dispose();
                    WriteError(new ItemNotFoundException(
                        $"{file} lacks the messages at height {lacking.Height}, which -KeepAllMessages keeps: import a snapshot taken " +
                        "without -SkipOldMessages, or import this one without -KeepAllMessages"), file, "BlockUnavailable");
                    return;
                }
                try { FilFilSession.Current.InstallChain(engine, stopFollower: Force); }
                catch
                {
                    engine.Dispose(); // a follower started meanwhile in another runspace: it keeps the chain
                    throw;
                }
                var status = EngineStatus.From(engine, file, clock.Elapsed.TotalSeconds);
                WriteVerbose($"{file}: head {status.Height}, {status.Blocks} blocks in memory");
                WriteObject(status);
            });
        }
    }
}
