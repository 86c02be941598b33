using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using FilFil.DealClient.Ethereum;

namespace FilFil.Devnet.Evm;

/// <summary>One test account of a devnet EVM: its address, its v3 keystore and, for a provider, its miner.</summary>
/// <param name="Name">Operator (owns the contract), Provider1..N (control miner stand-ins) or User.</param>
/// <param name="Address">Checksummed 0x address.</param>
/// <param name="KeystorePath">v3 keystore file, encrypted with <see cref="DevnetEvm.TestPassword"/>.</param>
/// <param name="MinerId">The miner actor ID this account owns and controls (providers), else null.</param>
public sealed record DevnetEvmAccount(string Name, string Address, string KeystorePath, ulong? MinerId);

/// <summary>What <see cref="DevnetEvm.StartAsync"/> sets up.</summary>
public sealed record DevnetEvmOptions
{
    /// <summary>The Deploy.s.sol parameters that may be set (FILFIL_ + name; see the header of script/Deploy.s.sol).</summary>
    public static readonly IReadOnlyList<string> ContractParameterNames =
    [
        "MIN_COLLATERAL", "REWARD_PER_SNAPSHOT", "PRICE_PER_EPOCH", "COLLATERAL_PER_GIB", "WINDOW", "TERM", "LIFETIME",
        "START_DELAY", "RENEW_LEAD", "MAX_PROVIDERS", "REPLICAS", "MISS_LIMIT", "SLASH_BPS", "VERIFIED", "TIMELOCK", "FUND",
    ];

    public required EvmToolchain Toolchain { get; init; }

    /// <summary>Provider accounts, each owning a miner stand-in (IDs from <see cref="FirstMinerId"/> up).</summary>
    public int Providers { get; init; } = 3;

    public ulong FirstMinerId { get; init; } = 1001;

    /// <summary>Balance given to every test account, in attoFIL (wei).</summary>
    public BigInteger AccountBalance { get; init; } = BigInteger.Pow(10, 18) * 10_000;

    /// <summary>
    /// Deploy.s.sol parameters by name (StartDelay, START_DELAY or FILFIL_START_DELAY: case and underscores do not
    /// matter), as decimal strings (Verified: true/false).
    /// </summary>
    public IReadOnlyDictionary<string, string> ContractParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Folder for the keystores; null: a new folder under the temp directory, deleted on dispose.</summary>
    public string? KeystoreDirectory { get; init; }

    /// <summary>How long anvil may take to listen and forge to compile and deploy (the first compile takes minutes).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Deploy.s.sol's environment for the parameters, or an ArgumentException naming an unknown one.</summary>
    public IEnumerable<KeyValuePair<string, string>> DeployParameters()
    {
        foreach (var (name, value) in ContractParameters)
        {
            string bare = (name.StartsWith("FILFIL_", StringComparison.OrdinalIgnoreCase) ? name[7..] : name).Replace("_", "", StringComparison.Ordinal);
            string? key = ContractParameterNames.FirstOrDefault(n => string.Equals(n.Replace("_", "", StringComparison.Ordinal), bare, StringComparison.OrdinalIgnoreCase));
            if (key is null)
                throw new ArgumentException($"unknown contract parameter '{name}': use one of {string.Join(", ", ContractParameterNames)}", nameof(ContractParameters));
            bool ok = key == "VERIFIED" ? bool.TryParse(value, out _) : BigInteger.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _);
            if (!ok)
                throw new ArgumentException($"contract parameter {key} must be {(key == "VERIFIED" ? "true or false" : "a non-negative integer")}, not '{value}'", nameof(ContractParameters));
            yield return new("FILFIL_" + key, key == "VERIFIED" ? value.ToLowerInvariant() : value);
        }
    }
}

/// <summary>
/// The EVM half of a devnet: anvil from the contracts' npm toolchain on a free 127.0.0.1 port, FilFilDealClient
/// deployed by script/Deploy.s.sol with the actor stand-ins (FILFIL_ANVIL_MOCKS), an operator account owning it,
/// provider accounts owning and controlling miner stand-ins (power claim, IsControllingAddress, GetOwner), a spare
/// user account, all funded and written as v3 keystores. Disposing kills anvil (its whole process tree) and deletes
/// the keystores it created.
/// </summary>
public sealed partial class DevnetEvm : IDisposable
{
    /// <summary>Password of every devnet keystore. Test-only: these accounts exist on a throwaway anvil.</summary>
    public const string TestPassword = "filfil-devnet-test-only";

    private readonly Process _anvil;
    private readonly string? _ownedDirectory;
    private readonly Queue<string> _anvilLog = new();
    private int _disposed;

    // anvils still running when the process exits (a session closed without Stop-FilFilDevnet) are killed with it
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DevnetEvm, byte> Live = new();

    static DevnetEvm()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var evm in Live.Keys) evm.Dispose();
        };
    }

    private DevnetEvm(Process anvil, string? ownedDirectory)
    {
        _anvil = anvil;
        _ownedDirectory = ownedDirectory;
        Live[this] = 0;
    }

    /// <summary>anvil's own HTTP endpoint (http://127.0.0.1:port).</summary>
    public Uri RpcUrl { get; private set; } = null!;

    /// <summary>The FilFilDealClient address (checksummed 0x).</summary>
    public string Contract { get; private set; } = "";

    public ulong ChainId { get; private set; }

    public IReadOnlyList<DevnetEvmAccount> Accounts { get; private set; } = [];

    /// <summary>Folder of the keystores.</summary>
    public string KeystoreDirectory { get; private set; } = "";

    /// <summary>Process id of anvil (of its Node.js launcher when started from node_modules/.bin).</summary>
    public int ProcessId => _anvil.Id;

    /// <summary>False once anvil has exited.</summary>
    public bool Running => !_anvil.HasExited;

    public static async Task<DevnetEvm> StartAsync(DevnetEvmOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Providers is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(options), options.Providers, "Providers must be 0..100");
        var deployEnv = options.DeployParameters().ToList(); // parameter errors before anything starts
        string? owned = options.KeystoreDirectory is null ? Path.Combine(Path.GetTempPath(), "filfil-devnet-" + Guid.NewGuid().ToString("N")[..12]) : null;
        string keystores = options.KeystoreDirectory ?? Path.Combine(owned!, "keystore");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        var psi = new ProcessStartInfo(options.Toolchain.Anvil, ["--host", "127.0.0.1", "--port", "0"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        Process anvil;
        try { anvil = Process.Start(psi) ?? throw new EvmToolchainException($"{options.Toolchain.Anvil} did not start"); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EvmToolchainException($"cannot run {options.Toolchain.Anvil}: {e.Message}; install Node.js 18 or later and run `npm ci` in {options.Toolchain.Contracts}");
        }
        var evm = new DevnetEvm(anvil, owned) { KeystoreDirectory = keystores };
        try
        {
            evm.RpcUrl = await evm.WaitForListeningAsync(timeout.Token).ConfigureAwait(false);
            using var rpc = new AnvilRpc(evm.RpcUrl);
            evm.ChainId = (ulong)AnvilRpc.Quantity(await rpc.CallAsync("eth_chainId", [], timeout.Token).ConfigureAwait(false));
            var accounts = new List<DevnetEvmAccount>();
            void Add(string name, ulong? miner)
            {
                var (address, path) = TestKeystore.Create(keystores, TestPassword);
                accounts.Add(new DevnetEvmAccount(name, address, path, miner));
            }
            Add("Operator", null);
            for (int i = 0; i < options.Providers; i++) Add($"Provider{i + 1}", options.FirstMinerId + (ulong)i);
            Add("User", null);
            foreach (var a in accounts)
                await rpc.CallAsync("anvil_setBalance", [a.Address, AnvilRpc.Hex(options.AccountBalance)], timeout.Token).ConfigureAwait(false);
            evm.Accounts = accounts;
            var providers = accounts.Where(a => a.MinerId is not null).ToList();
            deployEnv.Add(new("FILFIL_ANVIL_MOCKS", "true"));
            deployEnv.Add(new("FILFIL_OWNER", accounts[0].Address));
            deployEnv.Add(new("FILFIL_ANVIL_MINERS", string.Join(",", providers.Select(p => p.MinerId!.Value.ToString(CultureInfo.InvariantCulture)))));
            deployEnv.Add(new("FILFIL_ANVIL_CONTROLLERS", string.Join(",", providers.Select(p => p.Address))));
            evm.Contract = await DeployAsync(options.Toolchain, evm.RpcUrl, deployEnv, timeout.Token).ConfigureAwait(false);
            var code = (await rpc.CallAsync("eth_getCode", [evm.Contract, "latest"], timeout.Token).ConfigureAwait(false)).GetString();
            if (string.IsNullOrEmpty(code) || code == "0x")
                throw new InvalidOperationException($"forge script reported FilFilDealClient at {evm.Contract}, but no code is there");
            return evm;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            evm.Dispose();
            throw new TimeoutException($"the devnet EVM was not ready within {options.Timeout} (anvil: {evm.AnvilLog()})");
        }
        catch
        {
            evm.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Mines <paramref name="blocks"/> EVM blocks (anvil_mine, in steps of <see cref="MineStep"/> so progress is
    /// reported and cancellation is honoured between steps); returns the new block number.
    /// </summary>
    public async Task<ulong> MineAsync(ulong blocks, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        using var rpc = new AnvilRpc(RpcUrl);
        for (ulong done = 0; done < blocks;)
        {
            ct.ThrowIfCancellationRequested();
            ulong n = Math.Min(MineStep, blocks - done);
            await rpc.CallAsync("anvil_mine", [AnvilRpc.Hex(n)], ct).ConfigureAwait(false);
            done += n;
            progress?.Report((long)done);
        }
        return await BlockNumberAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Turns anvil's automine (a block for every transaction, the default) off or on (evm_setAutomine). With it off,
    /// sent transactions wait in the pool until <see cref="MineAsync"/> mines a block, as on a chain with 30 s blocks.
    /// </summary>
    public async Task SetAutomineAsync(bool on, CancellationToken ct = default)
    {
        using var rpc = new AnvilRpc(RpcUrl);
        await rpc.CallAsync("evm_setAutomine", [on], ct).ConfigureAwait(false);
    }

    /// <summary>The account named <paramref name="name"/> (Operator, Provider1..N, User), opened from its keystore with <see cref="TestPassword"/>.</summary>
    public Nethereum.Web3.Accounts.Account OpenAccount(string name)
    {
        var a = Accounts.FirstOrDefault(x => x.Name == name)
            ?? throw new ArgumentException($"the devnet EVM has no account {name}: it has {string.Join(", ", Accounts.Select(x => x.Name))}", nameof(name));
        return KeystoreAccount.Load(a.KeystorePath, new System.Net.NetworkCredential("", TestPassword), ChainId);
    }

    /// <summary>Blocks per anvil_mine call (anvil mines them one by one: about 100 a second on a busy machine).</summary>
    public const ulong MineStep = 256;

    public async Task<ulong> BlockNumberAsync(CancellationToken ct = default)
    {
        using var rpc = new AnvilRpc(RpcUrl);
        return (ulong)AnvilRpc.Quantity(await rpc.CallAsync("eth_blockNumber", [], ct).ConfigureAwait(false));
    }

    [GeneratedRegex(@"Listening on (127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    private async Task<Uri> WaitForListeningAsync(CancellationToken ct)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (_anvilLog)
            {
                _anvilLog.Enqueue(line);
                while (_anvilLog.Count > 20) _anvilLog.Dequeue();
            }
            var m = Listening().Match(line);
            if (m.Success) listening.TrySetResult(new Uri("http://" + m.Groups[1].Value));
        }
        _anvil.OutputDataReceived += (_, e) => OnLine(e.Data);
        _anvil.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _anvil.BeginOutputReadLine();
        _anvil.BeginErrorReadLine();
        var exited = _anvil.WaitForExitAsync(ct);
        var done = await Task.WhenAny(listening.Task, exited, Task.Delay(Timeout.Infinite, ct)).ConfigureAwait(false);
        if (done == listening.Task) return listening.Task.Result;
        ct.ThrowIfCancellationRequested();
        throw new InvalidOperationException($"anvil exited with code {_anvil.ExitCode} before listening: {AnvilLog()}");
    }

    private string AnvilLog() { lock (_anvilLog) return string.Join(" | ", _anvilLog); }

    private static async Task<string> DeployAsync(EvmToolchain tools, Uri rpcUrl, IEnumerable<KeyValuePair<string, string>> env, CancellationToken ct)
    {
        // --skip-simulation: forge's local gas estimates for calls into the stand-ins (code put there with anvil_setCode)
        // are too low and those transactions run out of gas; the node's own estimates are right.
        var psi = new ProcessStartInfo(tools.Forge,
            ["script", "script/Deploy.s.sol", "--rpc-url", rpcUrl.ToString(), "--broadcast", "--non-interactive", "--json", "--skip-simulation"])
        {
            WorkingDirectory = tools.Contracts, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // only the settings given here reach the script (not a PRIVATE_KEY or FILFIL_FUND of the caller's environment)
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("FILFIL_", StringComparison.OrdinalIgnoreCase) || key == "PRIVATE_KEY") psi.Environment.Remove(key);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var forge = Process.Start(psi) ?? throw new EvmToolchainException($"{tools.Forge} did not start");
        var stdout = forge.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = forge.StandardError.ReadToEndAsync(CancellationToken.None);
        try { await forge.WaitForExitAsync(ct).ConfigureAwait(false); }
        catch (OperationCanceledException)
        {
            try { forge.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        string output = await stdout.ConfigureAwait(false), errors = await stderr.ConfigureAwait(false);
        string? deployed = null;
        var failed = new List<string>();
        foreach (var line in output.Split('\n'))
        {
            if (!line.StartsWith('{')) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.TryGetProperty("returns", out var ret) && ret.TryGetProperty("deployed", out var d) && d.TryGetProperty("value", out var v))
                    deployed = v.GetString();
                if (root.TryGetProperty("status", out var s) && s.GetString() == "failed" && root.TryGetProperty("tx_hash", out var h))
                    failed.Add(h.GetString() ?? "?");
            }
            catch (JsonException) { }
        }
        string tail = (output.Length > 4000 ? output[^4000..] : output) + "\n" + (errors.Length > 4000 ? errors[^4000..] : errors);
        if (forge.ExitCode != 0 || deployed is null)
            throw new InvalidOperationException($"forge script script/Deploy.s.sol failed (exit {forge.ExitCode}):\n{tail}");
        if (failed.Count > 0)
            throw new InvalidOperationException($"forge script script/Deploy.s.sol: {failed.Count} transaction(s) reverted ({string.Join(", ", failed)}):\n{tail}");
        return deployed;
    }

    /// <summary>Kills anvil (and its Node.js launcher) and deletes the keystores this devnet created.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Live.TryRemove(this, out _);
        try { if (!_anvil.HasExited) _anvil.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
        _anvil.WaitForExit(10_000);
        _anvil.Dispose();
        if (_ownedDirectory is not null)
        {
            try { Directory.Delete(_ownedDirectory, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
