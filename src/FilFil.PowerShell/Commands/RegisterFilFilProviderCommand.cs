using System.Management.Automation;
using System.Numerics;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Register-FilFilProvider: registers a miner as a provider (register) with collateral (default the contract's
/// minCollateral) and the URL it serves retrievals from. The signing account must control the miner (owner, worker
/// or control address); it receives rewards and collateral.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "FilFilProvider", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(TransactionResult), typeof(UnsignedTransaction))]
public sealed class RegisterFilFilProviderCommand : DealClientTransactionCmdlet
{
    /// <summary>The miner: f01234, t01234 or 1234. Default: FILFIL_MINER, the config file.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [MinerIdTransformation]
    public ulong? Miner { get; set; }

    /// <summary>http(s) URL the provider serves retrievals from.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string RetrievalUrl { get; set; } = "";

    /// <summary>Collateral to lock (attoFIL or "n FIL"); default the contract's minCollateral.</summary>
    [Parameter]
    [FilAmountTransformation]
    public BigInteger? Collateral { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ulong? miner = Miner ?? Settings.Miner;
        TryRun(miner is { } m ? DealClientNames.Miner(m) : "Miner", () =>
        {
            var id = RequireMiner(miner);
            var collateral = Collateral ?? Reader.Params().MinCollateral;
            SendAndWrite(new RegisterFunction { MinerId = id, RetrievalUrl = RetrievalUrl, AmountToSend = collateral },
                $"{DealClientNames.Miner(id)} on {ContractAddress}", $"Register with {collateral} attoFIL collateral, retrievals at {RetrievalUrl}",
                Event<ProviderRegisteredEvent>());
        });
    }
}
