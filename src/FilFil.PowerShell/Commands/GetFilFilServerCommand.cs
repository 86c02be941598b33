using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>Get-FilFilServer: the session's HTTP server: prefix, roots, requests, bytes sent, requests in flight.</summary>
[Cmdlet(VerbsCommon.Get, "FilFilServer")]
[OutputType(typeof(ServerStatus))]
public sealed class GetFilFilServerCommand : FilFilCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        TryRun(null, () => WriteObject(ServerStatus.From(FilFilSession.Current.RequireServer())));
    }
}
