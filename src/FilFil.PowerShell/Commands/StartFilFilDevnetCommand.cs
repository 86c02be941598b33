using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using FilFil.Devnet;
using FilFil.Devnet.Evm;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Start-FilFilDevnet: starts a deterministic Lotus-compatible chain on 127.0.0.1 in this process (JSON-RPC over
/// HTTP and WebSocket at /rpc/v0 and /rpc/v1) and returns its endpoint and token. With -Evm it also starts anvil from
/// the contracts' npm toolchain, deploys FilFilDealClient with the actor stand-ins, sets up funded test accounts
/// (keystores) and miner stand-ins, and serves eth_* on the same /rpc/v1 by forwarding to anvil, as a Lotus node does.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "FilFilDevnet", SupportsShouldProcess = true)]
[OutputType(typeof(DevnetInfo))]
public sealed class StartFilFilDevnetCommand : FilFilCmdlet
{
    private static readonly DevnetOptions Defaults = new();

    /// <summary>Seed of the chain; the same seed gives the same chain, byte for byte.</summary>
    [Parameter] public int Seed { get; set; } = Defaults.Seed;
    /// <summary>Genesis to grow from.</summary>
    [Parameter, ValidateSet("mainnet", "calibnet")] public string Network { get; set; } = Defaults.Network;
    /// <summary>Blocks in the initial generated state tree.</summary>
    [Parameter, ValidateRange(1, int.MaxValue)] public int StateBlocks { get; set; } = Defaults.StateBlocks;
    /// <summary>Average size of generated state blocks, in bytes.</summary>
    [Parameter, ValidateRange(16, 1 << 20)] public int AverageBlockSize { get; set; } = Defaults.AverageBlockSize;
    /// <summary>New state blocks written per epoch (paths rewritten in the state tree).</summary>
    [Parameter, ValidateRange(0, int.MaxValue)] public int ChurnPerEpoch { get; set; } = Defaults.ChurnPerEpoch;
    /// <summary>Messages per block.</summary>
    [Parameter, ValidateRange(0, 10000)] public int MessagesPerBlock { get; set; } = Defaults.MessagesPerBlock;
    /// <summary>Most blocks in one tipset (each tipset has 1..this many).</summary>
    [Parameter, ValidateRange(1, 100)] public int MaxBlocksPerTipSet { get; set; } = Defaults.MaxBlocksPerTipSet;
    /// <summary>Share of epochs that are null rounds (0..0.9).</summary>
    [Parameter, ValidateRange(0.0, 0.9)] public double NullRoundRate { get; set; } = Defaults.NullRoundRate;
    /// <summary>Chance per epoch of a reorg (0..1).</summary>
    [Parameter, ValidateRange(0.0, 1.0)] public double ReorgRate { get; set; } = Defaults.ReorgRate;
    /// <summary>Deepest reorg.</summary>
    [Parameter, ValidateRange(1, 900)] public int MaxReorgDepth { get; set; } = Defaults.MaxReorgDepth;
    /// <summary>Time between epochs; 0 (default) mines only on Step-FilFilDevnet.</summary>
    [Parameter] public TimeSpan EpochDuration { get; set; } = Defaults.EpochDuration;
    /// <summary>Bearer token the server requires (a SecureString, or a plain string); without it, read access needs no token (as Lotus).</summary>
    [Parameter, SecureStringTransformation] public SecureString? Token { get; set; }
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    [Parameter, ValidateRange(0, 65535)] public int Port { get; set; }
    /// <summary>Epochs to mine right away, before returning.</summary>
    [Parameter, ValidateRange(0, 1_000_000)] public int Epochs { get; set; }
    /// <summary>Also start the EVM half: anvil with FilFilDealClient, test accounts and miner stand-ins, eth_* on /rpc/v1.</summary>
    [Parameter] public SwitchParameter Evm { get; set; }
    /// <summary>With -Evm: provider accounts, each owning and controlling a miner stand-in (f01001, f01002, ...).</summary>
    [Parameter, ValidateRange(0, 100)] public int EvmProviders { get; set; } = 3;
    /// <summary>With -Evm: contract parameters for script/Deploy.s.sol by name (Window, StartDelay, Term, Fund, ... or FILFIL_WINDOW).</summary>
    [Parameter] public Hashtable? ContractParameter { get; set; }

    /// <inheritdoc />
    protected override void ValidateParameters()
    {
        if (!Evm && (MyInvocation.BoundParameters.ContainsKey(nameof(EvmProviders)) || ContractParameter is not null))
            ThrowParameterConflict("-EvmProviders and -ContractParameter need -Evm", "EvmParameterWithoutEvm", "EvmProviders, ContractParameter");
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        var options = new DevnetOptions
        {
            Seed = Seed, Network = Network, StateBlocks = StateBlocks, AverageBlockSize = AverageBlockSize,
            ChurnPerEpoch = ChurnPerEpoch, MessagesPerBlock = MessagesPerBlock, MaxBlocksPerTipSet = MaxBlocksPerTipSet,
            NullRoundRate = NullRoundRate, ReorgRate = ReorgRate, MaxReorgDepth = MaxReorgDepth,
            EpochDuration = EpochDuration, Token = SecureStringTransformationAttribute.Reveal(Token), Port = Port,
        };
        DevnetEvmOptions? evmOptions = null;
        if (Evm)
        {
            try { evmOptions = EvmOptions(); }
            catch (EvmToolchainException e)
            {
                WriteError(e, null, "EvmToolchainMissing");
                return;
            }
            catch (ArgumentException e)
            {
                WriteError(e, ContractParameter, "InvalidContractParameter");
                return;
            }
        }
        string what = $"a {Network} devnet (seed {Seed}) on 127.0.0.1:{(Port == 0 ? "<free port>" : Port)}" + (Evm ? " with anvil and FilFilDealClient" : "");
        if (!ShouldProcess(what, "Start")) return;
        TryRun(options, () =>
        {
            var (server, evm) = RunEngine("Start-FilFilDevnet", $"seed {Seed}", Epochs, (progress, ct) =>
            {
                DevnetServer s;
                try { s = DevnetServer.StartAsync(options, ct).GetAwaiter().GetResult(); }
                catch (OperationCanceledException)
                {
                    // Ctrl-C during the generation: the half-built chain (GBs for a large -StateBlocks) is garbage now;
                    // hand it back to the OS at once rather than at some later collection (it stayed resident, 1.8 GB)
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    throw;
                }
                DevnetEvm? e = null;
                try
                {
                    for (int i = 0; i < Epochs; i++)
                    {
                        ct.ThrowIfCancellationRequested();
                        s.Chain.Advance(1);
                        progress.Report(i + 1);
                    }
                    if (evmOptions is not null)
                    {
                        e = DevnetEvm.StartAsync(evmOptions, ct).GetAwaiter().GetResult();
                        s.ForwardEth(e.RpcUrl);
                    }
                    return (s, e);
                }
                catch
                {
                    e?.Dispose();
                    s.StopAsync().GetAwaiter().GetResult();
                    throw;
                }
            }, unit: "epochs"); // the progress counts epochs mined (it said "0.0 MiB of 0.0 MiB")
            var info = FilFilSession.Current.AddDevnet(server, options, evm);
            Log.Information("devnet {Id} serving {Endpoint} at height {Height}", info.Id, info.Endpoint, info.Height);
            if (evm is not null)
                Log.Information("devnet {Id} EVM: eth_* on {RpcUrl} forwarded to anvil {Anvil} (pid {Pid}), FilFilDealClient at {Contract}",
                    info.Id, info.RpcUrl, info.AnvilUrl, evm.ProcessId, evm.Contract);
            WriteObject(info);
        });
    }

    /// <summary>The toolchain (found from the module's folder; FILFIL_ANVIL / FILFIL_FORGE / FILFIL_CONTRACTS override) and -Evm settings.</summary>
    private DevnetEvmOptions EvmOptions()
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (ContractParameter is not null)
            foreach (DictionaryEntry e in ContractParameter)
                parameters[Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? ""] = Convert.ToString(e.Value, CultureInfo.InvariantCulture) ?? "";
        var searchFrom = new[] { MyInvocation.MyCommand.Module?.ModuleBase, Path.GetDirectoryName(typeof(DevnetEvm).Assembly.Location) };
        var options = new DevnetEvmOptions
        {
            Toolchain = EvmToolchain.Locate(searchFrom), Providers = EvmProviders, ContractParameters = parameters,
        };
        _ = options.DeployParameters().ToList(); // unknown names and bad values now, before anything starts
        return options;
    }
}
