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
            RunEngine("Stop-FilFilFollower", run.Endpoint.ToString(), 0, (_, _) => run.StopAsync().GetAwaiter().GetResult());
            if (PassThru) WriteObject(FollowerStatus.From(run, null));
        });
    }
}
