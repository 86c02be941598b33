using System.Management.Automation;
using FilFil.DealClient.Deals;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Wait-FilFilWindow: blocks until the provider's window (its latest, or on -Slot) is open, then returns it, for
/// scheduled tasks that run <c>Wait-FilFilWindow | Submit-FilFilDeal</c>. While waiting it polls the contract every
/// -PollInterval and shows progress (state, epochs until the window opens); a provider without an upcoming window
/// waits for the operator's next publication. Ctrl-C stops; -Timeout gives up with a timeout error.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "FilFilWindow")]
[OutputType(typeof(WindowInfo))]
public sealed class WaitFilFilWindowCommand : DealClientCmdlet
{
    /// <summary>The provider's miner: f01234, t01234 or 1234. Default: the config file's miner.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Provider", "MinerId")]
    [MinerIdTransformation]
    public ulong? Miner { get; set; }

    /// <summary>Wait for the window on this slot (snapshot height) instead of the latest one.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Height")]
    public ulong? Slot { get; set; }

    /// <summary>Give up after this long (a TimeSpan, or seconds). Default: wait until the window opens.</summary>
    [Parameter]
    public TimeSpan? Timeout { get; set; }

    /// <summary>How often the contract is asked (default 15 s; a window is 120 epochs of 30 s).</summary>
    [Parameter]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <inheritdoc />
    protected override void ValidateParameters()
    {
        if (PollInterval < TimeSpan.FromMilliseconds(50) || PollInterval > TimeSpan.FromHours(1))
            ThrowTerminatingError(new PSArgumentException($"-PollInterval {PollInterval} is outside 00:00:00.05 to 01:00:00", nameof(PollInterval)), PollInterval);
        if (Timeout is { } t && t < TimeSpan.Zero)
            ThrowTerminatingError(new PSArgumentException($"-Timeout {t} is negative", nameof(Timeout)), t);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ulong miner = DealCmdlets.Miners(Miner is { } m ? [m] : null, Settings).First();
        string target = "f0" + miner;
        try
        {
            WriteObject(Wait(miner, target));
        }
        catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
        {
            ThrowTerminatingError(ErrorMapping.Unwrap(e), target);
        }
    }

    private WindowInfo Wait(ulong miner, string target)
    {
        var contract = ContractAddress;
        var started = DateTime.UtcNow;
        var activity = $"Waiting for the window of {target}" + (Slot is { } s ? $" on slot {s}" : "");
        try
        {
            while (true)
            {
                var w = Call(new ProviderInfoFunction(), ct => WindowReader.GetWindowAsync(Endpoint, contract, miner, Slot, ct));
                if (w.State == WindowState.Open) return new WindowInfo(w);
                var waited = DateTime.UtcNow - started;
                if (Timeout is { } limit && waited >= limit)
                    throw new TimeoutException($"the window of {target} did not open within {limit} (state {w.State} at epoch {w.HeadEpoch}" +
                        (w.State == WindowState.Upcoming ? $", opens at epoch {w.FirstEpoch})" : ")"));
                string status = w.State switch
                {
                    WindowState.Upcoming => $"slot {w.Slot}: opens at epoch {w.FirstEpoch}, {w.EpochsUntilOpen} epochs (~{w.EpochsUntilOpen * ProviderWindow.EpochSeconds / 60:0.#} min) from head {w.HeadEpoch}",
                    WindowState.Closed => $"last window (slot {w.Slot}) closed at epoch {w.LastEpoch}; waiting for a new one (head {w.HeadEpoch})",
                    _ => $"no window yet; waiting for the operator to publish (head {w.HeadEpoch})",
                };
                WriteProgress(new ProgressRecord(ProgressActivityId, activity, status) { SecondsRemaining = -1 });
                WriteVerbose(status);
                var delay = Timeout is { } t && t - waited < PollInterval ? t - waited : PollInterval;
                Await(async ct => { await Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, ct).ConfigureAwait(false); return 0; });
            }
        }
        finally
        {
            if (!Stopping) WriteProgress(new ProgressRecord(ProgressActivityId, activity, "done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
