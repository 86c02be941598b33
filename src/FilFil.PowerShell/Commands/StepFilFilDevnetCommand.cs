using System.Management.Automation;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Step-FilFilDevnet: mines epochs now (null rounds and random reorgs included), or forces a reorg of a given depth;
/// subscribers of ChainNotify see the head changes as they would from Lotus. With -EvmBlocks it mines blocks on the
/// devnet's anvil instead (anvil_mine: the contract's epochs are EVM block numbers).
/// </summary>
[Cmdlet(VerbsCommon.Step, "FilFilDevnet", DefaultParameterSetName = "Advance", SupportsShouldProcess = true)]
[OutputType(typeof(DevnetInfo))]
public sealed class StepFilFilDevnetCommand : DevnetTargetCmdlet
{
    /// <summary>Epochs to mine (default 1).</summary>
    [Parameter(ParameterSetName = "Advance"), ValidateRange(1, 1_000_000)] public int Epochs { get; set; } = 1;
    /// <summary>Replace the last this-many tipsets by a heavier fork instead of mining.</summary>
    [Parameter(ParameterSetName = "Reorg", Mandatory = true), ValidateRange(1, 900)] public int Reorg { get; set; }
    /// <summary>EVM blocks to mine on the devnet's anvil (devnets started with -Evm).</summary>
    [Parameter(ParameterSetName = "Evm", Mandatory = true), ValidateRange(1, 100_000_000)] public long EvmBlocks { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var d in Targets()) Step(d);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (!SawInput)
        {
            var all = FilFilSession.Current.Devnets;
            if (all.Count == 0)
                WriteError(new ErrorRecord(new InvalidOperationException("no devnet is running; start one with Start-FilFilDevnet"),
                    "NoDevnet", ErrorCategory.ObjectNotFound, null));
            foreach (var d in all) Step(d);
        }
        base.EndProcessing();
    }

    private void Step(DevnetInfo d)
    {
        if (ParameterSetName == "Evm")
        {
            StepEvm(d);
            return;
        }
        bool reorg = ParameterSetName == "Reorg";
        if (!ShouldProcess($"devnet {d.Id} at {d.Endpoint}", reorg ? $"Reorg the last {Reorg} tipsets" : $"Mine {Epochs} epochs")) return;
        TryRun(d, () =>
        {
            if (!d.Running) throw new InvalidOperationException($"devnet {d.Id} is stopped");
            RunEngine("Step-FilFilDevnet", d.Endpoint, reorg ? 0 : Epochs, (progress, ct) =>
            {
                if (reorg) { d.Server.Chain.Reorg(Reorg); return; }
                for (int i = 0; i < Epochs; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    d.Server.Chain.Advance(1);
                    progress.Report(i + 1);
                }
            });
            WriteObject(d);
        });
    }

    private void StepEvm(DevnetInfo d)
    {
        if (!ShouldProcess($"devnet {d.Id} anvil at {d.AnvilUrl}", $"Mine {EvmBlocks} EVM blocks")) return;
        TryRun(d, () =>
        {
            if (!d.Running) throw new InvalidOperationException($"devnet {d.Id} is stopped");
            if (d.Evm is null) throw new InvalidOperationException($"devnet {d.Id} has no EVM: start it with Start-FilFilDevnet -Evm");
            ulong block = RunEngine("Step-FilFilDevnet", d.AnvilUrl!, EvmBlocks, (progress, ct) => d.Evm.MineAsync((ulong)EvmBlocks, progress, ct).GetAwaiter().GetResult());
            WriteVerbose($"devnet {d.Id}: EVM at block {block}");
            WriteObject(d);
        });
    }
}
