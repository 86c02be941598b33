namespace FilFil.PowerShell.DealClient;

/// <summary>
/// The EVM half of a devnet started in this session with <c>Start-FilFilDevnet -Evm</c>: where its eth_* RPC is
/// served and the deployed FilFilDealClient. The deal-client cmdlets fall back to it when neither a parameter,
/// an environment variable nor the config file names an RPC URL or contract (<see cref="FilFilSession.EvmEndpoint"/>).
/// </summary>
public sealed class EvmEndpoint
{
    public EvmEndpoint(Uri rpcUrl, string contract, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(rpcUrl);
        ArgumentException.ThrowIfNullOrEmpty(contract);
        RpcUrl = rpcUrl;
        Contract = contract;
        Token = token;
    }

    /// <summary>http(s) URL serving eth_* (the devnet's /rpc/v1, or anvil itself).</summary>
    public Uri RpcUrl { get; }

    /// <summary>0x address of the deployed FilFilDealClient.</summary>
    public string Contract { get; }

    /// <summary>Bearer token of <see cref="RpcUrl"/>; null when it needs none.</summary>
    public string? Token { get; }

    /// <summary>Never shows the token.</summary>
    public override string ToString() => $"{RpcUrl} {Contract}";
}
