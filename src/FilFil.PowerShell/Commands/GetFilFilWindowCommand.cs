using System.Management.Automation;
using FilFil.DealClient.Deals;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Get-FilFilWindow (fil-fil next-window): a provider's latest window, or its window on -Slot: first and last epoch,
/// the slot's pieces, time left and state (Open, Upcoming, Closed, None), read from the contract's views.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FilFilWindow")]
[OutputType(typeof(WindowInfo))]
public sealed class GetFilFilWindowCommand : DealClientCmdlet
{
    /// <summary>The provider's miner: f01234, t01234 or 1234. Default: the config file's miner (Set-FilFilConfig -Miner).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Provider", "MinerId")]
    [MinerIdTransformation]
    public ulong[]? Miner { get; set; }

    /// <summary>A slot (snapshot height): the provider's window on it instead of its latest.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Height")]
    public ulong? Slot { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (ulong miner in DealCmdlets.Miners(Miner, Settings))
            TryRun("f0" + miner, () => WriteObject(new WindowInfo(ReadWindow(miner))));
    }

    private ProviderWindow ReadWindow(ulong miner)
    {
        var contract = ContractAddress;
        return Call(new ProviderInfoFunction(), ct => WindowReader.GetWindowAsync(Endpoint, contract, miner, Slot, ct));
    }
}
