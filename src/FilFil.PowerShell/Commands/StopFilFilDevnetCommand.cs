using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>Stop-FilFilDevnet: stops devnets (the ones given, or every devnet this session started), and the anvil of an -Evm devnet.</summary>
[Cmdlet(VerbsLifecycle.Stop, "FilFilDevnet", SupportsShouldProcess = true)]
[OutputType(typeof(DevnetInfo))]
public sealed class StopFilFilDevnetCommand : DevnetTargetCmdlet
{
    /// <summary>Write the stopped devnets to the pipeline.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var d in Targets()) Stop(d);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (!SawInput) foreach (var d in FilFilSession.Current.Devnets) Stop(d);
        base.EndProcessing();
    }

    private void Stop(DevnetInfo d)
    {
        if (!ShouldProcess($"devnet {d.Id} at {d.Endpoint}", "Stop")) return;
        TryRun(d, () =>
        {
            if (FilFilSession.Current.RemoveDevnet(d))
            {
                RunEngine("Stop-FilFilDevnet", d.Endpoint, 0, (_, _) =>
                {
                    try { d.Server.StopAsync().GetAwaiter().GetResult(); }
                    finally { d.Evm?.Dispose(); } // kills anvil and deletes the test keystores
                });
                WriteVerbose($"devnet {d.Id} at {d.Endpoint} stopped");
            }
            if (PassThru) WriteObject(d);
        });
    }
}
