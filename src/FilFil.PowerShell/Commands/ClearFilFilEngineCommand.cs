using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Clear-FilFilEngine: drops the chain this session holds. It stops the session's follower if one is running and
/// releases the engine and its memory (up to 1 GiB of it is kept a minute for a next import: Core's PagePool), so the session is as a fresh one (for Import-FilFilSnapshot, or
/// New-FilFilSnapshot -Bootstrap/-Lotus, which refuse to replace a chain). A snapshot still being written from the
/// chain (a thread job) finishes first: the memory is freed after it. Devnets keep running; snapshot files and the
/// catalog are untouched. Nothing to clear is not an error.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "FilFilEngine", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class ClearFilFilEngineCommand : FilFilCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        var engine = FilFilSession.Current.ChainStore;
        var run = FilFilSession.Current.Follower;
        if (engine is null && run is null) return;
        string what = engine?.Head is { } head ? $"the chain at height {head.Height}" : "the session's engine";
        if (run is { Running: true }) what += $" and the follower on {run.Endpoint}";
        if (!ShouldProcess(what, "Clear")) return;
        TryRun(what, () =>
        {
            // stops the follower, then frees the chain once the snapshot walks still reading it (other runspaces) end
            FilFilSession.Current.Clear();
            WriteVerbose($"cleared {what}");
        });
    }
}
