using System.Diagnostics;
using System.Globalization;
using FilFil.Core.Chain;
using FilFil.Core.Lotus;
using FilFil.Core.Snapshot;
using FilFil.Devnet;

namespace FilFil.Bench;

/// <summary>
/// Issue 15's follower soak (args: [faults=10000] [minutes=60] [seed=15]): one follower follows a devnet (null rounds,
/// random reorgs) through phases, each injecting one kind of fault the devnet offers, until <c>faults</c> faults were
/// injected or <c>minutes</c> passed:
/// drops during a (second follower's) bootstrap, drops in steady state, ChainReadObj method errors, corrupt blocks,
/// slow reads, method errors of the other calls (fewer in a row than <see cref="LotusFollower.MethodAttempts"/>, across
/// a drop), forced reorgs up to the engine's reorg depth, a node restart (blocks mined while it is down) and a chain
/// switch (another genesis on the same port: the follower must stop with <see cref="LotusChainMismatchException"/>
/// and leave its chain untouched; a new follower then resumes on the same engine).
/// After every phase, at the devnet's head: <see cref="ChainStore.VerifyInvariant"/> passes; the follower's snapshot
/// equals, byte for byte, a fresh bootstrap's snapshot of the same head and the devnet's own Lotus export
/// (<see cref="DevnetChain.ExportCar"/>). Prints the faults by kind, the checks and PASS/FAIL.
/// </summary>
public sealed class SoakCampaign : IBenchmark
{
    public string Name => "soak";
    public string Description => "follower through injected faults of every devnet kind; invariant, fresh bootstrap and devnet export equal after each phase";

    private const int RecentRoots = 10;
    private const int ReorgDepth = 5;
    /// <summary>drops in bootstrap, drops in steady state, read errors, corrupt blocks, slow reads, method errors, reorgs, restarts, chain switches</summary>
    private const int KindCount = 9;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, long> _faults = new(StringComparer.Ordinal);
    private DevnetChain _chain = null!;
    private DevnetServer _server = null!;
    private int _port;

    public int Run(string[] args)
    {
        long target = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        double minutes = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        int seed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 15;
        return RunAsync(target, TimeSpan.FromMinutes(minutes), seed).GetAwaiter().GetResult();
    }

    private static DevnetOptions ChainOptions(int seed, string network = "mainnet") => new()
    {
        Seed = seed, Network = network, StateBlocks = 1500, ChurnPerEpoch = 8, MessagesPerBlock = 2,
        NullRoundRate = 0.05, ReorgRate = 0.05, MaxReorgDepth = 3,
    };

    private static ChainStore NewEngine() => new(new ChainStoreOptions { RecentStateRoots = RecentRoots, ReorgDepth = ReorgDepth });

    private long Total => _faults.Values.Sum();

    private void Count(string kind, long n) => _faults[kind] = _faults.GetValueOrDefault(kind) + n;

    private async Task<int> RunAsync(long target, TimeSpan budget, int seed)
    {
        var clock = Stopwatch.StartNew();
        // thousands of injected faults would each log a warning: errors only (a failed check is printed below)
        FilFil.Core.Logging.FilFilLog.Configure(Serilog.Events.LogEventLevel.Error);
        _chain = new DevnetChain(ChainOptions(seed));
        _chain.Advance(RecentRoots + 2);
        _server = await DevnetServer.StartAsync(_chain);
        _port = _server.Port;
        var rnd = new Random(seed);
        var failures = new List<string>();
        int phases = 0, checks = 0;
        using var engine = NewEngine();
        var follower = StartFollower(engine);
        try
        {
            await AtHead(engine, follower, "first bootstrap");
            var kinds = new Func<ChainStore, Follower, Task<Follower>>[]
            {
                (_, f) => BootstrapDrops(rnd, f), SteadyDrops, ReadErrors, CorruptBlocks, SlowReads,
                (e, f) => MethodErrors(rnd, e, f), (_, f) => Reorg(rnd, f), Restart, ChainSwitch,
            };
            while ((Total < target || _faults.Count < KindCount) && clock.Elapsed < budget) // every kind at least once
            {
                var kind = kinds[phases % kinds.Length]; // every kind in turn, so a short run has them all
                try
                {
                    follower = await kind(engine, follower);
                    _chain.Advance(1 + rnd.Next(3)); // the chain moves on between phases (and may reorg by itself)
                    await AtHead(engine, follower, $"phase {phases}");
                    await Check(engine);
                    checks++;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failures.Add($"phase {phases} ({kind.Method.Name}) at {_chain.Head.Height}: {e}");
                    if (failures.Count >= 5) break;
                    follower = await Replace(engine, follower); // a fresh follower on the same engine: continue the soak
                }
                phases++;
                if (phases % 40 == 0)
                    Console.WriteLine($"phase {phases,5}: faults {Total,7}, head {_chain.Head.Height}, reconnects {follower.Inner.Reconnects}, {clock.Elapsed.TotalSeconds:N0} s, GC heap {GC.GetTotalMemory(false) / 1e6:N0} MB, load {Machine.LoadAverage()}");
            }
        }
        finally
        {
            await follower.StopAsync();
            await _server.StopAsync();
            _chain.Dispose();
        }
        foreach (var f in failures) Console.WriteLine($"FAILURE {f}");
        foreach (var (k, n) in _faults.OrderBy(k => k.Key, StringComparer.Ordinal)) Console.WriteLine($"faults {k,-22} {n,8}");
        Console.WriteLine($"faults injected   {Total} in {phases} phases, {clock.Elapsed.TotalMinutes:N1} min (target {target})");
        Console.WriteLine($"server restarts   {_restartRetries} retries of a start on the same port (HttpListener still holding it)");
        Console.WriteLine($"checks passed     {checks} x (VerifyInvariant, snapshot == fresh bootstrap, snapshot == devnet export)");
        bool pass = failures.Count == 0 && Total >= target && _faults.Count == KindCount;
        Console.WriteLine($"soak campaign     {(pass ? "PASS" : "FAIL")}{(Total < target ? " (fault target not reached in the time given)" : "")}");
        return pass ? 0 : 1;
    }

    private sealed record Follower(LotusFollower Inner, Task Run, CancellationTokenSource Stop)
    {
        public async Task StopAsync()
        {
            await Stop.CancelAsync();
            try { await Run; } catch (Exception) { /* cancelled, or the fault the phase expected */ }
            Stop.Dispose();
        }
    }

    private Follower StartFollower(ChainStore engine)
    {
        int port = _port;
        var f = new LotusFollower(engine, ct => LotusClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/rpc/v1"), null, ct))
        {
            InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(200),
        };
        var cts = new CancellationTokenSource();
        return new Follower(f, f.RunAsync(cts.Token), cts);
    }

    private async Task<Follower> Replace(ChainStore engine, Follower old)
    {
        await old.StopAsync();
        return StartFollower(engine);
    }

    private async Task AtHead(ChainStore engine, Follower f, string what)
    {
        var until = DateTime.UtcNow + PhaseTimeout;
        while (!(engine.Head is { } h && h.KeyEquals(_chain.Head.Cids)))
        {
            if (f.Run.IsCompleted) throw new InvalidOperationException($"{what}: the follower ended: {f.Run.Exception?.InnerException?.Message ?? "cancelled"}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what}: not at the devnet head {_chain.Head.Height} after {PhaseTimeout} (engine at {engine.Head?.Height}, last event {f.Inner.LastEvent})");
            await Task.Delay(10);
        }
    }

    private async Task Check(ChainStore engine)
    {
        engine.VerifyInvariant();
        var head = _chain.Head;
        byte[] ours = await Snapshot(engine);
        using var export = new MemoryStream();
        _chain.ExportCar(export, Math.Max(0, head.Height - RecentRoots + 1), head.Height, includeMessages: true);
        if (!ours.AsSpan().SequenceEqual(export.ToArray()))
            throw new InvalidOperationException($"the snapshot at {head.Height} ({ours.Length} B) differs from the devnet's export ({export.Length} B)");
        using var fresh = NewEngine();
        var f = StartFollower(fresh);
        try { await AtHead(fresh, f, "fresh bootstrap"); }
        finally { await f.StopAsync(); }
        byte[] theirs = await Snapshot(fresh);
        if (!ours.AsSpan().SequenceEqual(theirs))
            throw new InvalidOperationException($"the snapshot at {head.Height} differs from a fresh bootstrap's");
    }

    private static async Task<byte[]> Snapshot(ChainStore engine)
    {
        using var ms = new MemoryStream();
        await SnapshotWriter.WriteAsync(engine, ms, new SnapshotOptions { RecentStateRoots = RecentRoots, SkipOldMessages = true });
        return ms.ToArray();
    }

    /// <summary>A second follower bootstraps from scratch while its connections are dropped 3-8 times.</summary>
    private async Task<Follower> BootstrapDrops(Random rnd, Follower main)
    {
        using var engine = NewEngine();
        var f = StartFollower(engine);
        try
        {
            int drops = 3 + rnd.Next(6);
            for (int i = 0; i < drops && engine.Head is null; i++)
            {
                long calls = _server.Faults.ReadObjCalls;
                var until = DateTime.UtcNow + PhaseTimeout;
                while (_server.Faults.ReadObjCalls < calls + 20 + rnd.Next(200) && engine.Head is null && DateTime.UtcNow < until) await Task.Delay(1);
                if (engine.Head is not null) break;
                _server.Faults.DropConnections();
                Count("drop in bootstrap", 1);
            }
            await AtHead(engine, f, "bootstrap through drops");
            engine.VerifyInvariant();
        }
        finally { await f.StopAsync(); }
        return main;
    }

    private async Task<Follower> SteadyDrops(ChainStore engine, Follower f)
    {
        for (int i = 0; i < 5; i++)
        {
            _server.Faults.DropConnections();
            Count("drop in steady state", 1);
            _chain.Advance(1);
            await AtHead(engine, f, "after a drop");
        }
        return f;
    }

    private Task<Follower> ReadErrors(ChainStore engine, Follower f) =>
        WithRate(engine, f, "read error", () => _server.Faults.ReadObjFailureRate = 0.4, () => _server.Faults.FailedReads);

    private Task<Follower> CorruptBlocks(ChainStore engine, Follower f) =>
        WithRate(engine, f, "corrupt block", () => _server.Faults.CorruptRate = 0.4, () => _server.Faults.CorruptedReads);

    private Task<Follower> SlowReads(ChainStore engine, Follower f) =>
        WithRate(engine, f, "slow read", () => { _server.Faults.ReadObjDelay = TimeSpan.FromMilliseconds(20); _server.Faults.ReadObjDelayRate = 0.2; },
            () => _server.Faults.DelayedReads);

    /// <summary>Sets a fault rate, mines 3-5 epochs under it, waits for the head, resets; counts the faults served.</summary>
    private async Task<Follower> WithRate(ChainStore engine, Follower f, string kind, Action set, Func<long> served)
    {
        long before = served();
        set();
        try
        {
            _chain.Advance(6 + (int)(_chain.Head.Height % 5));
            await AtHead(engine, f, kind);
        }
        finally
        {
            _server.Faults.Reset();
            Count(kind, served() - before);
        }
        return f;
    }

    /// <summary>Methods the follower calls besides ChainReadObj; the soak fails each a few times in a row.</summary>
    private static readonly string[] OtherMethods = ["Filecoin.ChainGetGenesis", "Filecoin.ChainNotify", "Filecoin.ChainGetTipSet", "Filecoin.ChainHead"];

    /// <summary>
    /// Each other method answers its next 1-5 calls with an error (fewer than the follower's 8 attempts), then the
    /// connections drop while 2-4 epochs are mined: the reconnect asks the genesis and subscribes again, the resync
    /// walks back with ChainGetTipSet, each error asked again on the same connection; the follower must not fault.
    /// </summary>
    private async Task<Follower> MethodErrors(Random rnd, ChainStore engine, Follower f)
    {
        long before = _server.Faults.MethodErrors;
        foreach (var m in OtherMethods) _server.Faults.FailMethod(m, 1 + rnd.Next(5));
        try
        {
            _server.Faults.DropConnections();
            _chain.Advance(2 + rnd.Next(3));
            await AtHead(engine, f, "method errors");
        }
        finally
        {
            _server.Faults.Reset(); // errors not asked for by then are not served
            Count("method error", _server.Faults.MethodErrors - before);
        }
        return f;
    }

    private Task<Follower> Reorg(Random rnd, Follower f)
    {
        _server.Faults.ForceReorg(1 + rnd.Next(ReorgDepth));
        Count("forced reorg", 1);
        return Task.FromResult(f);
    }

    /// <summary>Starts the devnet's server again on its port (the old listener may hold it for a moment).</summary>
    private async Task<DevnetServer> StartOnPortAsync(Func<Task<DevnetServer>> start)
    {
        for (int attempt = 1; ; attempt++)
        {
            try { return await start(); }
            catch (Exception e) when (attempt < 50 && e is System.Net.HttpListenerException or ArgumentNullException)
            {
                _restartRetries++;
                if (_restartRetries <= 3) Console.WriteLine($"restart on port {_port}, attempt {attempt}: {e.GetType().Name}: {e.Message}");
                await Task.Delay(100);
            }
        }
    }

    private int _restartRetries;

    /// <summary>The node stops, two epochs are mined meanwhile, it starts again on the same port.</summary>
    private async Task<Follower> Restart(ChainStore engine, Follower f)
    {
        await _server.StopAsync();
        _chain.Advance(2);
        await Task.Delay(50);
        _server = await StartOnPortAsync(() => DevnetServer.StartAsync(_chain, _port));
        Count("node restart", 1);
        await AtHead(engine, f, "after a restart");
        return f;
    }

    /// <summary>Another chain answers on the node's port: the follower stops with a chain mismatch, the engine is untouched.</summary>
    private async Task<Follower> ChainSwitch(ChainStore engine, Follower f)
    {
        var held = engine.Head!;
        await _server.StopAsync();
        var other = await StartOnPortAsync(() => DevnetServer.StartAsync(ChainOptions(_chain.Options.Seed + 1000, "calibnet") with { Port = _port }));
        try
        {
            other.Chain.Advance(5);
            Count("chain switch", 1);
            try { await f.Run.WaitAsync(PhaseTimeout); }
            catch (LotusChainMismatchException) { }
            if (f.Run.Exception?.InnerException is not LotusChainMismatchException)
                throw new InvalidOperationException($"the follower did not stop with a chain mismatch: {f.Run.Status} {f.Run.Exception?.InnerException?.Message}");
            if (!engine.Head!.KeyEquals(held.Cids)) throw new InvalidOperationException("the engine moved onto the other chain");
            engine.VerifyInvariant();
        }
        finally { await other.StopAsync(); }
        await f.StopAsync();
        _server = await StartOnPortAsync(() => DevnetServer.StartAsync(_chain, _port));
        return StartFollower(engine); // the operator starts the follower again once the right node is back
    }
}
