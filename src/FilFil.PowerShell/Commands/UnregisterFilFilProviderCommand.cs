using System.Management.Automation;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Unregister-FilFilProvider: a provider leaves the roster (unregister); windows already assigned stay valid. With
/// -WithdrawCollateral it also takes its collateral back (withdrawCollateral), which the contract allows once its
/// last window has closed and its last deal has ended; for a provider that already left, only the withdrawal runs.
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "FilFilProvider", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class UnregisterFilFilProviderCommand : DealClientTransactionCmdlet
{
    /// <summary>The miner: f01234, t01234 or 1234. Default: FILFIL_MINER, the config file.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [MinerIdTransformation]
    public ulong? Miner { get; set; }

    /// <summary>Also withdraw the collateral (withdrawCollateral).</summary>
    [Parameter]
    public SwitchParameter WithdrawCollateral { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ulong? miner = Miner ?? Settings.Miner;
        TryRun(miner is { } m ? DealClientNames.Miner(m) : "Miner", () =>
        {
            var id = RequireMiner(miner);
            string target = $"{DealClientNames.Miner(id)} on {ContractAddress}";
            var status = Reader.Provider(id).Status;
            if (status == 0) throw new ItemNotFoundException($"{DealClientNames.Miner(id)} is not registered on {ContractAddress}");
            if (status == 1 || !WithdrawCollateral)
            {
                if (SendAndWrite(new UnregisterFunction { Provider = id }, target, "Unregister (leave the roster)", Event<ProviderUnregisteredEvent>()) == null
                    && !Unsigned) return;
            }
            if (!WithdrawCollateral) return;
            SendAndWrite(new WithdrawCollateralFunction { Provider = id }, target, "Withdraw the collateral",
                Event<CollateralWithdrawnEvent>(), Event<WindowMissedEvent>(), Event<ProviderDeregisteredEvent>());
        });
    }
}
