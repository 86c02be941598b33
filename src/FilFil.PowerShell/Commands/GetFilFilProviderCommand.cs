using System.Management.Automation;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Get-FilFilProvider: one provider, or the public roster (every active provider), with the replicas each holds:
/// which snapshot it stores, its windows and the state of each deal.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FilFilProvider")]
[OutputType(typeof(StorageProviderInfo))]
public sealed class GetFilFilProviderCommand : DealClientCmdlet
{
    /// <summary>Miners (f01234, t01234 or 1234); default the roster.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [MinerIdTransformation]
    public ulong[]? Miner { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Miner == null)
        {
            TryRun(ContractAddress, () => WriteObject(Reader.Providers(Reader.Roster()), enumerateCollection: true));
            return;
        }
        foreach (var id in Miner)
        {
            TryRun(DealClientNames.Miner(id), () =>
            {
                var p = Reader.Providers([id]).Single();
                if (p.Status == DealClientNames.ProviderStatus(0))
                    throw new ItemNotFoundException($"{p.Miner} is not registered on {ContractAddress}");
                WriteObject(p);
            });
        }
    }
}
