using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>Base of cmdlets that act on running devnets: -Devnet objects from the pipeline, or -Id, or all of them.</summary>
public abstract class DevnetTargetCmdlet : FilFilCmdlet
{
    /// <summary>Devnets from Start-FilFilDevnet / Get-FilFilDevnet.</summary>
    [Parameter(ValueFromPipeline = true, Position = 0)]
    public DevnetInfo[]? Devnet { get; set; }

    /// <summary>Devnet numbers (DevnetInfo.Id).</summary>
    [Parameter]
    public int[]? Id { get; set; }

    private bool _sawInput;

    /// <summary>The devnets this record names; with neither -Devnet nor -Id, every running devnet (at end).</summary>
    protected IEnumerable<DevnetInfo> Targets()
    {
        if (Devnet is { Length: > 0 })
        {
            _sawInput = true;
            foreach (var d in Devnet) yield return d;
        }
        if (Id is { Length: > 0 })
        {
            _sawInput = true;
            foreach (var id in Id)
            {
                var d = FilFilSession.Current.Devnets.FirstOrDefault(x => x.Id == id);
                if (d is null)
                    WriteError(new ErrorRecord(new ItemNotFoundException($"no running devnet has Id {id}"), "DevnetNotFound", ErrorCategory.ObjectNotFound, id));
                else yield return d;
            }
        }
    }

    /// <summary>True if some record named devnets explicitly.</summary>
    protected bool SawInput => _sawInput;
}
