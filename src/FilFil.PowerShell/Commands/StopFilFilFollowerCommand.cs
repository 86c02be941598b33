using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>Stop-FilFilFollower: stops following; the engine and what it holds stay, so snapshots can still be taken.</summary>
[Cmdlet(VerbsLifecycle.Stop, "FilFilFollower", SupportsShouldProcess = true)]
[OutputType(typeof(FollowerStatus))]
public sealed class StopFilFilFollowerCommand : FilFilCmdlet
{
    /// <summary>Write the final status.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        var run = FilFilSession.Current.Follower;
        if (run is null || !ShouldProcess($"the follower on {run.Endpoint}", "Stop")) return;
        TryRun(run.Endpoint, () =>
        {
            // a follower that already stopped with a fault is stopped: its fault is reported by Get-FilFilFollower
            // (and Wait-FilFilHeight), not again as an error of stopping it
            if (run.Fault is { } fault)
            {
                WriteVerbose($"the follower on {run.Endpoint} had already stopped with a fault: {fault.Message}");
                run.StopQuietly();
            }
            else RunEngine("Stop-FilFilFollower", run.Endpoint.ToString(), 0, (_, _) => run.StopAsync().GetAwaiter().GetResult());
            if (PassThru) WriteObject(FollowerStatus.From(run, null));
        });
    }
}
