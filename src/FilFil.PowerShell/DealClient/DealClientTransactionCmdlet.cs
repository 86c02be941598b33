using System.Management.Automation;
using System.Security;
using FilFil.DealClient.Ethereum;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3.Accounts;

namespace FilFil.PowerShell.DealClient;

/// <summary>
/// Base of the deal-client cmdlets that spend gas. <see cref="SendTransaction{TFunction}"/> asks ShouldProcess
/// first; with -Unsigned it writes a <see cref="UnsignedTransaction"/> (to, data, value, chain id, Safe JSON) and
/// sends nothing; otherwise it opens the keystore (-KeystorePath, FILFIL_KEYSTORE, the config file) with its password
/// (-Credential, FILFIL_KEYSTORE_PASSWORD, else a prompt when interactive), checks the call with eth_call and gas
/// estimation (a would-revert call stops here: nothing sent, no gas spent), signs (EIP-1559), sends, waits for the
/// receipt with a progress bar showing the hash (Ctrl-C stops waiting at once, and the hash goes to the log and the
/// host's warning line: the transaction stays in the pool) and returns a
/// <see cref="TransactionResult"/>. The password and the key never reach output, errors or logs.
/// </summary>
public abstract class DealClientTransactionCmdlet : DealClientCmdlet
{
    /// <summary>Decodes the contract's events of one kind from a receipt.</summary>
    protected delegate IEnumerable<object> EventDecoder(TransactionReceipt receipt, string contract);

    private Account? _account;

    /// <summary>Ethereum v3 keystore of the signing account. Default: FILFIL_KEYSTORE, the config file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeystorePath { get; set; }

    /// <summary>The keystore password (the user name is ignored). Default: FILFIL_KEYSTORE_PASSWORD, else a prompt.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Do not sign or send: write the unsigned transaction (to, data, value, chain id, Safe JSON).</summary>
    [Parameter]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "-Unsigned is the switch's name in the design")]
    public SwitchParameter Unsigned { get; set; }

    /// <inheritdoc />
    protected override ErrorCategory IOErrorCategory => ErrorCategory.ReadError;

    /// <summary>Decoder of the contract's <typeparamref name="TEvent"/> events (logs of other addresses are ignored).</summary>
    protected static EventDecoder Event<TEvent>() where TEvent : Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new() =>
        (receipt, contract) => receipt.DecodeAllEvents<TEvent>()
            .Where(e => string.Equals(e.Log.Address, contract, StringComparison.OrdinalIgnoreCase))
            .Select(e => (object)e.Event);

    /// <summary>
    /// Sends <paramref name="function"/> to the contract after ShouldProcess(<paramref name="target"/>,
    /// <paramref name="action"/>). Returns the mined transaction with the events <paramref name="events"/> decode;
    /// null when ShouldProcess declined or -Unsigned (then the unsigned transaction has been written).
    /// A revert is a <see cref="ContractRevertException"/> (before sending: no gas spent).
    /// </summary>
    protected TransactionResult? SendTransaction<TFunction>(TFunction function, string target, string action, params EventDecoder[] events)
        where TFunction : FunctionMessage, new()
    {
        if (!ShouldProcess(target, action)) return null;
        var contract = ContractAddress;
        var name = FunctionName<TFunction>();
        var chainId = Await(Endpoint.GetChainIdAsync);
        if (Unsigned)
        {
            WriteObject(new UnsignedTransaction(FilFil.DealClient.Ethereum.UnsignedTransaction.For(contract, function, chainId), name, action));
            return null;
        }
        var account = _account ??= LoadAccount(chainId);
        function.FromAddress = account.Address;
        // eth_call first: it returns the revert data on every node (gas estimation does not always).
        var input = function.CreateCallInput(contract);
        input.From = account.Address;
        Call(function, ct => Endpoint.Web3.Eth.Transactions.Call.SendRequestAsync(input).WaitAsync(ct));
        var hash = Call(function, ct => Endpoint.SendAsync(account, contract, function, ct));
        Log.Information("sent {Function} to {Contract} from {From}: {Hash}", name, contract, account.Address, hash);
        WriteVerbose($"sent {name} to {contract}: {hash}");
        var receipt = WaitForReceipt(name, hash);
        bool success = receipt.Status?.Value == 1;
        if (!success)
            throw new ContractRevertException(name, contract, "", $"transaction {hash} in block {receipt.BlockNumber.Value} has status 0", mined: true);
        var decoded = events.SelectMany(d => d(receipt, contract)).ToList();
        return new TransactionResult(hash, (ulong)receipt.BlockNumber.Value, (ulong)receipt.GasUsed.Value, success,
            account.Address, contract, name, receipt.EffectiveGasPrice?.Value ?? 0, decoded);
    }

    /// <summary><see cref="SendTransaction{TFunction}"/>, writing the mined transaction; returns it (null: declined or -Unsigned).</summary>
    protected TransactionResult? SendAndWrite<TFunction>(TFunction function, string target, string action, params EventDecoder[] events)
        where TFunction : FunctionMessage, new()
    {
        var result = SendTransaction(function, target, action, events);
        if (result != null) WriteObject(result);
        return result;
    }

    /// <summary>One transaction per deal ID (Receive-FilFilReward, Invoke-FilFilPoke): a failure is a non-terminating error about that deal.</summary>
    protected void SendForEachDeal<TFunction>(IEnumerable<ulong> dealIds, Func<ulong, TFunction> function, string action, params EventDecoder[] events)
        where TFunction : FunctionMessage, new()
    {
        foreach (var id in dealIds)
            TryRun(id, () => SendAndWrite(function(id), $"deal {id} on {ContractAddress}", action, events));
    }

    private TransactionReceipt WaitForReceipt(string function, string hash)
    {
        ReceiptProgress? last = null;
        var progress = new Progress(p => Volatile.Write(ref last, p));
        var task = Endpoint.WaitForReceiptAsync(hash, progress, CancelToken);
        var activity = $"Waiting for {function} to be mined";
        bool shown = false;
        try
        {
            while (!task.Wait(200))
            {
                if (Stopping) break;
                if (Volatile.Read(ref last) is { } p)
                {
                    WriteProgress(new ProgressRecord(ProgressActivityId, activity,
                        $"{hash}: head block {p.HeadBlock}, {p.Elapsed.TotalSeconds:0} s (Ctrl-C stops waiting; the transaction stays in the pool)"));
                    shown = true;
                }
            }
        }
        catch (AggregateException) { /* the task's own exception is rethrown below */ }
        if (Stopping || task.IsCanceled)
        {
            // the pipeline is stopping, so no error or warning record can be written: the log and the host get the hash
            Log.Warning("stopped waiting for {Function} {Hash}: the transaction stays in the pool and may still be mined", function, hash);
            try
            {
                Host?.UI?.WriteWarningLine($"stopped waiting for {function} {hash}: the transaction stays in the pool and may still be mined; " +
                    "look it up by this hash before sending the same call again");
            }
            catch (Exception e) when (e is System.Management.Automation.Host.HostException or NotImplementedException or PSInvalidOperationException) { }
            throw new PipelineStoppedException();
        }
        if (shown) WriteProgress(new ProgressRecord(ProgressActivityId, activity, "mined") { RecordType = ProgressRecordType.Completed });
        return task.GetAwaiter().GetResult();
    }

    private Account LoadAccount(System.Numerics.BigInteger chainId)
    {
        string path = KeystorePath != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeystorePath)
            : Settings.Keystore ?? throw new MissingSettingException(
                "no keystore is set: give -KeystorePath (an Ethereum v3 keystore file), set the FILFIL_KEYSTORE environment variable, " +
                "or store it with Set-FilFilConfig -Keystore");
        using var password = Password(path);
        return KeystoreAccount.Load(path, password, chainId);
    }

    private SecureString Password(string keystore)
    {
        if (Credential != null) return Credential.Password.Copy();
        if (Environment.GetEnvironmentVariable("FILFIL_KEYSTORE_PASSWORD") is { Length: > 0 } env)
        {
            var s = new SecureString();
            foreach (char c in env) s.AppendChar(c);
            return s;
        }
        if (!Console.IsInputRedirected && Environment.UserInteractive)
        {
            try
            {
                var c = Host.UI.PromptForCredential("Keystore password", $"Password of {keystore}", "keystore", "");
                if (c != null) return c.Password.Copy();
            }
            catch (Exception e) when (e is PSInvalidOperationException or System.Management.Automation.Host.HostException or NotImplementedException) { }
        }
        throw new KeystoreException($"no password for the keystore {keystore}: give -Credential, or set FILFIL_KEYSTORE_PASSWORD for scheduled runs");
    }

    private sealed class Progress(Action<ReceiptProgress> report) : IProgress<ReceiptProgress>
    {
        public void Report(ReceiptProgress value) => report(value);
    }
}
