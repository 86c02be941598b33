using FilFil.Devnet;

namespace FilFil.PowerShell;

/// <summary>
/// A devnet running in this process (Start-FilFilDevnet). Height and Blocks are read live from the chain; pass the
/// object to Step-FilFilDevnet / Stop-FilFilDevnet, or give its Endpoint and Token to a follower.
/// </summary>
public sealed class DevnetInfo
{
    internal DevnetInfo(int id, DevnetServer server, DevnetOptions options)
    {
        Id = id;
        Server = server;
        Options = options;
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

    /// <summary>The server itself (fault injection: Server.Faults).</summary>
    public DevnetServer Server { get; }
    internal DevnetOptions Options { get; }
}
