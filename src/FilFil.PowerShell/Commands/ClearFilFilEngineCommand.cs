using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Clear-FilFilEngine: drops the chain this session holds. It stops the session's follower if one is running and
/// releases the engine and its memory, so the session is as a fresh one (for Import-FilFilSnapshot, or
/// New-FilFilSnapshot -Bootstrap/-Lotus, which refuse to replace a chain). Devnets keep running; snapshot files
/// and the catalog are untouched. Nothing to clear is not an error.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "FilFilEngine", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class ClearFilFilEngineCommand : FilFilCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        var engine = EngineSession.Current;
        var run = FollowerSession.Current;
        if (engine is null && run is null) return;
        string what = engine?.Head is { } head ? $"the chain at height {head.Height}" : "the session's engine";
        if (run is { Running: true }) what += $" and the follower on {run.Endpoint}";
        if (!ShouldProcess(what, "Clear")) return;
        TryRun(what, () =>
        {
            run?.StopQuietly(); // cancels the follower and waits for it to let go of the engine
            FollowerSession.Set(null);
            EngineSession.Clear();
            WriteVerbose($"cleared {what}");
        });
    }
}
