namespace FilFil.PowerShell;

/// <summary>A follower runs on the session's chain, so the chain cannot be replaced (InvalidOperation, FollowerRunning).</summary>
internal sealed class FollowerRunningException(FollowerRun run) : InvalidOperationException(
    $"a follower is running on {run.Endpoint} and keeps the session's chain at height {run.ChainStore.Head?.Height}: " +
    "stop it first with Stop-FilFilFollower (Import-FilFilSnapshot -Force stops it for you)")
{
    public FollowerRun Run { get; } = run;
}
