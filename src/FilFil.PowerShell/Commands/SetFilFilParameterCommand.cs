using System.Management.Automation;
using System.Numerics;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Set-FilFilParameter: the operator changes contract parameters (setParams); the others keep their current values.
/// With a non-zero timelock the first call only announces the change (ActionAnnounced) and the identical call made
/// after the timelock applies it; the cmdlet says which happened.
/// </summary>
[Cmdlet(VerbsCommon.Set, "FilFilParameter", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class SetFilFilParameterCommand : DealClientTransactionCmdlet
{
    /// <summary>Collateral to register, attoFIL or "n FIL".</summary>
    [Parameter, FilAmountTransformation] public BigInteger? MinCollateral { get; set; }
    /// <summary>Reward for one replica of one snapshot over a full term.</summary>
    [Parameter, FilAmountTransformation] public BigInteger? RewardPerSnapshot { get; set; }
    /// <summary>storage_price_per_epoch of proposals.</summary>
    [Parameter, FilAmountTransformation] public BigInteger? PricePerEpoch { get; set; }
    /// <summary>provider_collateral per GiB of padded size.</summary>
    [Parameter, FilAmountTransformation] public BigInteger? ProviderCollateralPerGiB { get; set; }
    /// <summary>Epochs of a window.</summary>
    [Parameter] public ulong? WindowLength { get; set; }
    /// <summary>Deal duration in epochs.</summary>
    [Parameter] public ulong? Term { get; set; }
    /// <summary>How long a snapshot is kept, in epochs from publication.</summary>
    [Parameter] public ulong? SlotLifetime { get; set; }
    /// <summary>Epochs from a proposal to its deal's start.</summary>
    [Parameter] public ulong? StartDelay { get; set; }
    /// <summary>Epochs before a replica's deals end when it is offered again.</summary>
    [Parameter] public ulong? RenewLead { get; set; }
    /// <summary>Cap on active providers.</summary>
    [Parameter] public uint? MaxProviders { get; set; }
    /// <summary>Providers per slot.</summary>
    [Parameter] public uint? Replicas { get; set; }
    /// <summary>Consecutive misses before deregistration.</summary>
    [Parameter] public uint? MissLimit { get; set; }
    /// <summary>Share of collateral slashed on removal, in basis points.</summary>
    [Parameter] public ushort? SlashBps { get; set; }
    /// <summary>verified_deal of proposals.</summary>
    [Parameter] public bool? VerifiedDeals { get; set; }
    /// <summary>Epochs between announcing and applying.</summary>
    [Parameter] public ulong? Timelock { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        TryRun(ContractAddress, () =>
        {
            var p = Reader.Params();
            var changed = Apply(p);
            if (changed.Count == 0) throw new PSArgumentException("give at least one parameter to change (e.g. -MinCollateral \"20 FIL\"); Get-FilFilParameter shows them");
            var result = SendTransaction(new SetParamsFunction { Params = p }, ContractAddress, $"Set {string.Join(", ", changed)}",
                Event<ParamsUpdatedEvent>(), Event<ActionAnnouncedEvent>());
            if (result == null) return;
            if (result.Events.OfType<ActionAnnouncedEvent>().FirstOrDefault() is { } announced)
                WriteWarning($"announced, not applied (timelock): run the same command again at or after block {announced.ExecutableAt} to apply it");
            WriteObject(result);
        });
        base.EndProcessing();
    }

    private List<string> Apply(DealClientParams p)
    {
        var changed = new List<string>();
        void Set<T>(T? value, Action<T> set, string name) where T : struct
        {
            if (value is { } v) { set(v); changed.Add(name); }
        }
        Set(MinCollateral, v => p.MinCollateral = v, nameof(MinCollateral));
        Set(RewardPerSnapshot, v => p.RewardPerSnapshot = v, nameof(RewardPerSnapshot));
        Set(PricePerEpoch, v => p.PricePerEpoch = v, nameof(PricePerEpoch));
        Set(ProviderCollateralPerGiB, v => p.ProviderCollateralPerGiB = v, nameof(ProviderCollateralPerGiB));
        Set(WindowLength, v => p.WindowLength = v, nameof(WindowLength));
        Set(Term, v => p.Term = v, nameof(Term));
        Set(SlotLifetime, v => p.SlotLifetime = v, nameof(SlotLifetime));
        Set(StartDelay, v => p.StartDelay = v, nameof(StartDelay));
        Set(RenewLead, v => p.RenewLead = v, nameof(RenewLead));
        Set(MaxProviders, v => p.MaxProviders = v, nameof(MaxProviders));
        Set(Replicas, v => p.Replicas = v, nameof(Replicas));
        Set(MissLimit, v => p.MissLimit = v, nameof(MissLimit));
        Set(SlashBps, v => p.SlashBps = v, nameof(SlashBps));
        Set(VerifiedDeals, v => p.VerifiedDeals = v, nameof(VerifiedDeals));
        Set(Timelock, v => p.Timelock = v, nameof(Timelock));
        return changed;
    }
}
