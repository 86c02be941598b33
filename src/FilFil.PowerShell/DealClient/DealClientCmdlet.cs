using System.Management.Automation;
using System.Security;
using FilFil.Core.Config;
using FilFil.DealClient.Ethereum;
using Nethereum.Contracts;

namespace FilFil.PowerShell.DealClient;

/// <summary>
/// Base of the cmdlets that talk to the FilFilDealClient contract. -RpcUrl, -RpcToken and -Contract are resolved
/// once, in this order: the parameter, the FILFIL_* environment variable, the config file (Set-FilFilConfig), the
/// session's running <c>Start-FilFilDevnet -Evm</c>. A missing setting stops the command with an error naming the
/// parameter, the variable and Set-FilFilConfig. Before the first call the contract address is checked to hold code,
/// so an address without a contract is a clear error instead of zeros decoded from an empty answer.
/// Calls run synchronously on <see cref="FilFilCmdlet.CancelToken"/> (Ctrl-C); a revert becomes a
/// <see cref="ContractRevertException"/> naming the contract's custom error.
/// </summary>
public abstract class DealClientCmdlet : FilFilCmdlet
{
    private EthereumEndpoint? _endpoint;
    private string? _contract;
    private FilFilSettings? _settings;

    /// <summary>Ethereum JSON-RPC endpoint (Lotus /rpc/v1 or anvil). Default: FILFIL_RPC_URL, the config file, the session's -Evm devnet.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? RpcUrl { get; set; }

    /// <summary>Lotus API token (a SecureString, or a string converted to one). Default: FILFIL_RPC_TOKEN, the config file.</summary>
    [Parameter]
    [SecureStringTransformation]
    public SecureString? RpcToken { get; set; }

    /// <summary>FilFilDealClient address, 0x… or f410…. Default: FILFIL_CONTRACT, the config file, the session's -Evm devnet.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Contract { get; set; }

    /// <summary>The effective config (file, then FILFIL_* overrides), read once.</summary>
    protected FilFilSettings Settings => _settings ??= FilFilConfigFile.Effective(FilFilConfigFile.DefaultPath()).Settings;

    /// <summary>The resolved endpoint (a terminating error when none is configured).</summary>
    protected EthereumEndpoint Endpoint
    {
        get
        {
            if (_endpoint != null) return _endpoint;
            var evm = FilFilSession.Current.EvmEndpoint;
            Uri url;
            string? token = SecureStringTransformationAttribute.Reveal(RpcToken);
            if (RpcUrl != null) url = RpcUrl;
            else if (Settings.RpcUrl != null) url = new Uri(Settings.RpcUrl);
            else if (evm != null) { url = evm.RpcUrl; token ??= evm.Token; }
            else throw MissingSetting("RpcUrl", "FILFIL_RPC_URL", "the Ethereum JSON-RPC endpoint (a Lotus node's http://host:1234/rpc/v1, or anvil)");
            token ??= Settings.RpcToken;
            try { _endpoint = new EthereumEndpoint(url, token) { ReceiptPollInterval = ReceiptPollInterval(url) }; }
            catch (ArgumentException e) { throw new ArgumentException($"-RpcUrl {url}: {ErrorMapping.UserMessage(e)}", e); }
            return _endpoint;
        }
    }

    /// <summary>The contract's 0x address (checksummed), checked once to hold code.</summary>
    protected string ContractAddress
    {
        get
        {
            if (_contract != null) return _contract;
            string text = Contract ?? Settings.Contract ?? FilFilSession.Current.EvmEndpoint?.Contract
                ?? throw MissingSetting("Contract", "FILFIL_CONTRACT", "the FilFilDealClient contract address (0x… or f410…)");
            string address;
            try { address = EthereumEndpoint.NormalizeAddress(FilFilConfigFile.NormalizeContract(text)); }
            catch (Exception e) when (e is FilFil.Core.FilFilFormatException or ArgumentException)
            {
                throw new ArgumentException($"-Contract \"{text}\" is not a contract address: 0x and 40 hex digits, or an f410 address", e);
            }
            var code = Await(ct => Endpoint.Web3.Eth.GetCode.SendRequestAsync(address).WaitAsync(ct));
            if (string.IsNullOrEmpty(code) || code is "0x" or "0x0")
                throw new ArgumentException($"no contract at {address} on {Endpoint.Url}: check -Contract (or FILFIL_CONTRACT / Set-FilFilConfig -Contract) and -RpcUrl");
            return _contract = address;
        }
    }

    /// <summary>How often a receipt is polled: quickly on a loopback node (anvil mines at once), every 5 s elsewhere.</summary>
    private static TimeSpan ReceiptPollInterval(Uri url) => url.IsLoopback ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5);

    private static PSArgumentException MissingSetting(string parameter, string variable, string what) =>
        new($"no {parameter.ToLowerInvariant() switch { "rpcurl" => "RPC URL", _ => "contract" }} is set: give -{parameter} ({what}), " +
            $"set the {variable} environment variable, store it with Set-FilFilConfig -{parameter}, or start a devnet with Start-FilFilDevnet -Evm", parameter);

    /// <summary>eth_call of a getter with one return value, decoded.</summary>
    protected TOut Query<TFunction, TOut>(TFunction function) where TFunction : FunctionMessage, new()
    {
        var contract = ContractAddress;
        return Call(function, ct => Endpoint.QueryAsync<TFunction, TOut>(contract, function, ct));
    }

    /// <summary>eth_call of a getter decoded into its [FunctionOutput] type.</summary>
    protected TOut QueryOutput<TFunction, TOut>(TFunction function) where TFunction : FunctionMessage, new()
        where TOut : Nethereum.ABI.FunctionEncoding.Attributes.IFunctionOutputDTO, new()
    {
        var contract = ContractAddress;
        return Call(function, ct => Endpoint.QueryOutputAsync<TFunction, TOut>(contract, function, ct));
    }

    /// <summary>Runs a contract call; a revert becomes a <see cref="ContractRevertException"/> naming the custom error.</summary>
    protected T Call<TFunction, T>(TFunction function, Func<CancellationToken, Task<T>> call) where TFunction : FunctionMessage, new()
    {
        try { return Await(call); }
        catch (Exception e) when (ContractErrors.RevertData(e) is { } data)
        {
            var (name, text) = ContractErrors.Decode(data);
            throw new ContractRevertException(FunctionName<TFunction>(), _contract ?? "", name, text, inner: e);
        }
    }

    /// <summary>The Solidity name of a typed message ("publishSlot").</summary>
    protected static string FunctionName<TFunction>() where TFunction : FunctionMessage, new() =>
        ABITypedRegistry.GetFunctionABI<TFunction>().Name;

    /// <summary>
    /// Waits for <paramref name="work"/> on this thread, cancelled by Ctrl-C (then the pipeline stops). Exceptions
    /// come out unwrapped.
    /// </summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> work)
    {
        try { return work(CancelToken).GetAwaiter().GetResult(); }
        catch (OperationCanceledException) when (Stopping) { throw new PipelineStoppedException(); }
    }
}
