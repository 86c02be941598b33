using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>Stop-FilFilServer: stops the session's HTTP server (responses still running are given two seconds).</summary>
[Cmdlet(VerbsLifecycle.Stop, "FilFilServer", SupportsShouldProcess = true)]
[OutputType(typeof(ServerStatus))]
public sealed class StopFilFilServerCommand : FilFilCmdlet
{
    /// <summary>Stop only if the running server has this prefix (binds from Start-/Get-FilFilServer output on the pipeline).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)] public string? Prefix { get; set; }
    /// <summary>Write the final status.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Prefix is not null && FilFilSession.Current.Server is { } s && !string.Equals(s.Prefix, Prefix, StringComparison.OrdinalIgnoreCase))
            WriteError(new ErrorRecord(new ItemNotFoundException($"no server on {Prefix} (the session's server is on {s.Prefix})"),
                "ServerNotFound", ErrorCategory.ObjectNotFound, Prefix));
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        var current = FilFilSession.Current.Server;
        if (current is null || (Prefix is not null && !string.Equals(current.Prefix, Prefix, StringComparison.OrdinalIgnoreCase))) return;
        if (!ShouldProcess(current.Prefix, "Stop serving")) return;
        var stopped = FilFilSession.Current.StopServer();
        if (PassThru && stopped is not null) WriteObject(ServerStatus.From(stopped));
    }
}
