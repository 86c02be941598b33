using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Get-FilFilFollower: the follower's state: engine head and the node's head (lag), blocks and bytes in memory,
/// RSS, fetch rate, reconnects, and the fault if it stopped on its own.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FilFilFollower")]
[OutputType(typeof(FollowerStatus))]
public sealed class GetFilFilFollowerCommand : FilFilCmdlet
{
    /// <summary>Do not ask the node for its head (no lag figure).</summary>
    [Parameter] public SwitchParameter NoLag { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        TryRun(null, () =>
        {
            var run = FilFilSession.Current.RequireFollower();
            long? nodeHeight = null;
            if (!NoLag && run.Running)
            {
                nodeHeight = RunEngine<long?>("Get-FilFilFollower", run.Endpoint.ToString(), 0, (_, ct) =>
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(TimeSpan.FromSeconds(5));
                    try
                    {
                        return run.NodeHeadAsync(timeout.Token).GetAwaiter().GetResult().Height;
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        Log.Debug("node head query failed: {Error}", e.Message);
                        return null;
                    }
                });
            }
            WriteObject(FollowerStatus.From(run, nodeHeight));
        });
    }
}
