using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>Get-FilFilDevnet: the devnets running in this session.</summary>
[Cmdlet(VerbsCommon.Get, "FilFilDevnet")]
[OutputType(typeof(DevnetInfo))]
public sealed class GetFilFilDevnetCommand : FilFilCmdlet
{
    /// <summary>Only the devnets with these numbers.</summary>
    [Parameter(Position = 0)] public int[]? Id { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        foreach (var d in FilFilSession.Current.Devnets)
            if (Id is null || Id.Contains(d.Id)) WriteObject(d);
        base.EndProcessing();
    }
}
