using System.Management.Automation;
using FilFil.Devnet;
using FilFil.Devnet.Evm;

namespace FilFil.PowerShell;

/// <summary>
/// A devnet running in this process (Start-FilFilDevnet). Height and Blocks are read live from the chain; pass the
/// object to Step-FilFilDevnet / Stop-FilFilDevnet, or give its Endpoint and Token to a follower. With -Evm it also
/// carries the EVM half: RpcUrl (this devnet's /rpc/v1, which forwards eth_* to anvil), the contract, the chain id and
/// the test accounts (address, keystore, miner; never a key).
/// </summary>
public sealed class DevnetInfo
{
    internal DevnetInfo(int id, DevnetServer server, DevnetOptions options, DevnetEvm? evm = null)
    {
        Id = id;
        Server = server;
        Options = options;
        Evm = evm;
        Started = DateTimeOffset.Now;
    }

    /// <summary>Number of this devnet in the session (1, 2, ...).</summary>
    public int Id { get; }
    /// <summary>WebSocket JSON-RPC endpoint (ws://127.0.0.1:port/rpc/v1), as a Lotus node's.</summary>
    public string Endpoint => Server.Endpoint.ToString();
    /// <summary>HTTP POST JSON-RPC endpoint (http://127.0.0.1:port/rpc/v1).</summary>
    public string HttpEndpoint => Server.HttpEndpoint.ToString();
    /// <summary>Bearer token the server requires (null: read access without a token, as Lotus).</summary>
    public string? Token => Server.Token;
    public int Port => Server.Port;
    /// <summary>"mainnet" or "calibnet": the genesis the chain grows from.</summary>
    public string Network => Options.Network;
    /// <summary>StateNetworkName the server reports ("testnetnet" for mainnet, "calibrationnet").</summary>
    public string NetworkName => Server.Chain.NetworkName;
    public int Seed => Options.Seed;
    /// <summary>Current head height.</summary>
    public long Height => Server.Chain.Head.Height;
    /// <summary>Head tipset key.</summary>
    public string[] HeadTipSet => Server.Chain.Head.Cids.Select(c => c.ToString()).ToArray();
    /// <summary>Blocks the devnet holds (headers, messages, receipts, state).</summary>
    public int Blocks => Server.Chain.BlockCount;
    /// <summary>Time between mined epochs; zero when epochs advance only with Step-FilFilDevnet.</summary>
    public TimeSpan EpochDuration => Options.EpochDuration;
    public DateTimeOffset Started { get; }
    /// <summary>False once stopped.</summary>
    public bool Running => FilFilSession.Current.IsRunning(this);

    /// <summary>True when started with -Evm (anvil behind eth_* on this devnet's endpoint).</summary>
    public bool HasEvm => Evm is not null;
    /// <summary>Ethereum JSON-RPC URL: this devnet's HTTP /rpc/v1, serving eth_* (forwarded to anvil) next to Filecoin.*; null without -Evm.</summary>
    public string? RpcUrl => Evm is null ? null : HttpEndpoint;
    /// <summary>anvil's own URL (http://127.0.0.1:port), for anvil_* calls; null without -Evm.</summary>
    public string? AnvilUrl => Evm?.RpcUrl.ToString();
    /// <summary>The FilFilDealClient deployed on anvil (0x address); null without -Evm.</summary>
    public string? Contract => Evm?.Contract;
    /// <summary>EVM chain id (anvil's 31337); null without -Evm.</summary>
    public ulong? ChainId => Evm?.ChainId;
    /// <summary>
    /// Test accounts: Operator (owns the contract), Provider1..N (each owns and controls miner MinerId), User. Each
    /// has a v3 keystore file encrypted with the test password of <see cref="EvmCredential"/>.
    /// </summary>
    public DevnetEvmAccount[] EvmAccounts => Evm?.Accounts.ToArray() ?? [];
    /// <summary>
    /// The password of the test keystores as a credential for -Credential. Test-only: the accounts hold test money on
    /// a throwaway anvil.
    /// </summary>
    public PSCredential? EvmCredential => Evm is null ? null : new PSCredential("devnet", ToSecure(DevnetEvm.TestPassword));

    /// <summary>Current EVM block number (null without -Evm or once anvil is gone). Advance it with Step-FilFilDevnet -EvmBlocks.</summary>
    public ulong? EvmBlock
    {
        get
        {
            if (Evm is not { Running: true } evm) return null;
            try { return evm.BlockNumberAsync().GetAwaiter().GetResult(); }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException) { return null; }
        }
    }

    /// <summary>The EVM half (anvil process, accounts), or null.</summary>
    public DevnetEvm? Evm { get; }

    private static System.Security.SecureString ToSecure(string s)
    {
        var ss = new System.Security.SecureString();
        foreach (char c in s) ss.AppendChar(c);
        ss.MakeReadOnly();
        return ss;
    }

    /// <summary>The server itself (fault injection: Server.Faults).</summary>
    public DevnetServer Server { get; }
    internal DevnetOptions Options { get; }
}
