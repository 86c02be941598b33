using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Wait-FilFilHeight: blocks until the follower's engine head reaches a height (for scheduled-task scripts), then
/// returns the follower status. Ctrl-C stops waiting; -Timeout gives an OperationTimeout error.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "FilFilHeight")]
[OutputType(typeof(FollowerStatus))]
public sealed class WaitFilFilHeightCommand : FilFilCmdlet
{
    /// <summary>The height to reach.</summary>
    [Parameter(Mandatory = true, Position = 0), ValidateRange(0, long.MaxValue)] public long Height { get; set; }
    /// <summary>Give up after this long (default: wait indefinitely).</summary>
    [Parameter] public TimeSpan? Timeout { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        TryRun(Height, () =>
        {
            var run = FollowerSession.Require();
            RunEngine("Wait-FilFilHeight", $"height {Height}", 0, (_, ct) =>
            {
                var until = Timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
                while ((run.Engine.Head?.Height ?? -1) < Height)
                {
                    if (!run.Running)
                        throw new InvalidOperationException($"the follower stopped at height {run.Engine.Head?.Height}{(run.Fault is { } f ? $": {f.Message}" : "")}");
                    if (DateTime.UtcNow > until)
                        throw new TimeoutException($"height {Height} not reached within {Timeout}; the head is at {run.Engine.Head?.Height}");
                    run.HeadChanged.Wait(TimeSpan.FromMilliseconds(250), ct);
                }
            });
            WriteObject(FollowerStatus.From(run, null));
        });
    }
}
