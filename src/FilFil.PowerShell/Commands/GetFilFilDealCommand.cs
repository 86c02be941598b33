using System.Management.Automation;
using System.Numerics;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Get-FilFilDeal: deals the contract recorded, by market deal ID, or all of a slot's (optionally one provider's;
/// <c>Get-FilFilWindow | Get-FilFilDeal</c> lists the deals of that window's slot and miner), with state, term,
/// reward, vested, claimed and forfeited attoFIL.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FilFilDeal", DefaultParameterSetName = "Id")]
[OutputType(typeof(DealInfo))]
public sealed class GetFilFilDealCommand : DealClientCmdlet
{
    /// <summary>Market deal IDs.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Id", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public ulong[] DealId { get; set; } = [];

    /// <summary>A slot (snapshot height): every deal recorded for its pieces.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Slot", ValueFromPipelineByPropertyName = true)]
    [Alias("Height")]
    public ulong Slot { get; set; }

    /// <summary>With -Slot: only this provider's deals (f01234, t01234 or 1234).</summary>
    [Parameter(ParameterSetName = "Slot", ValueFromPipelineByPropertyName = true)]
    [Alias("Provider", "MinerId")]
    [MinerIdTransformation]
    public ulong? Miner { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Id")
        {
            foreach (ulong id in DealId) TryRun(id, () => WriteObject(Read(id)));
            return;
        }
        TryRun(Slot, () =>
        {
            var replicas = QueryOutput<SlotReplicasFunction, SlotReplicasOutput>(new SlotReplicasFunction { Height = Slot }).Replicas;
            foreach (var r in replicas.Where(r => Miner is null || r.Provider == Miner))
                foreach (var d in r.DealIds.Where(d => d >= BigInteger.Zero))
                    WriteObject(Read((ulong)d));
        });
    }

    private DealInfo Read(ulong id)
    {
        var d = QueryOutput<DealInfoFunction, DealInfoOutput>(new DealInfoFunction { DealId = id }).Deal;
        if (d.State == 0) throw new ItemNotFoundException($"the contract has no deal {id} (it records only deals made for its slots)");
        return new DealInfo(id, d, Query<VestedFunction, BigInteger>(new VestedFunction { DealId = id }));
    }
}
