using System.Management.Automation;
using FilFil.Core.Config;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Get-FilFilConfig: the effective settings of the paid half (RPC URL, contract, keystore, deal backend and
/// endpoint, default miner) from the user's config file with the environment's overrides. Secrets appear only as
/// RpcTokenSet / KeystorePasswordSet.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FilFilConfig")]
[OutputType(typeof(FilFilConfigView))]
public sealed class GetFilFilConfigCommand : FilFilCmdlet
{
    /// <summary>Config file to read instead of the default (FILFIL_CONFIG, else the user's config folder).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        string path = Path is null ? FilFilConfigFile.DefaultPath() : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        FilFilConfigView? view = null;
        if (TryRun(path, () => view = FilFilConfigFile.View(path))) WriteObject(view);
        base.EndProcessing();
    }
}
