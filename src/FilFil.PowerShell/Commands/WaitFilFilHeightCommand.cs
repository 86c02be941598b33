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
            var run = FilFilSession.Current.RequireFollower();
            try
            {
                RunEngine("Wait-FilFilHeight", $"height {Height}", 0, (_, ct) => run.WaitForHeight(Height, Timeout, ct));
            }
            catch (Exception e) when (ErrorMapping.Unwrap(e) is FilFil.Core.Store.BlockUnavailableException bad)
            {
                // the follower stopped on a block the node keeps failing: that block is the target, the message names the node
                WriteError(BlockErrorRecord(bad, $"the follower on {run.Endpoint} stopped before height {Height}"));
                return;
            }
            WriteObject(FollowerStatus.From(run, null));
        });
    }
}
