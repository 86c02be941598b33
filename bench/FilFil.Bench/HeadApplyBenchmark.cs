using System.Collections.Concurrent;
using System.Diagnostics;
using FilFil.Core.Chain;
using FilFil.Core.Lotus;
using FilFil.Core.Snapshot;
using FilFil.Devnet;

namespace FilFil.Bench;

/// <summary>
/// Head-apply latency over RPC (issue 4: target &lt;= 2 s at 5,000 new blocks per epoch): a devnet server mines
/// epochs whose tipsets bring about 5,000 new blocks (state churn plus messages); a <see cref="LotusFollower"/>
/// on a WebSocket gets each ChainNotify, fetches the missing blocks with ChainReadObj (64 in flight, each verified),
/// links them and slides the window. Latency = the devnet announcing the head change -> the engine's head being
/// that tipset. Options: --epochs E (measured, default 20), --churn C (state blocks per epoch, default 4600),
/// --messages M (per block, default 160), --state S (state blocks at start, default 60000).
/// </summary>
public sealed class HeadApplyBenchmark : IBenchmark
{
    public string Name => "head-apply";
    public string Description => "ChainNotify -> engine head latency at ~5,000 new blocks per epoch over RPC (<= 2 s)";

    public int Run(string[] args)
    {
        int epochs = Arg(args, "--epochs", 20);
        int churn = Arg(args, "--churn", 4600);
        int messages = Arg(args, "--messages", 160);
        int state = Arg(args, "--state", 60000);
        var o = new DevnetOptions
        {
            Seed = 11, StateBlocks = state, AverageBlockSize = 512, ChurnPerEpoch = churn, MessagesPerBlock = messages,
            MaxBlocksPerTipSet = 5, NullRoundRate = 0, GrowthPerEpoch = 8,
        };
        var server = DevnetServer.StartAsync(o).GetAwaiter().GetResult();
        using var cts = new CancellationTokenSource();
        var engine = new ChainStore(new ChainStoreOptions { RecentStateRoots = 900, ReorgDepth = 10 });
        try
        {
            server.Chain.Advance(3);
            var announced = new ConcurrentDictionary<long, long>();
            var applied = new ConcurrentDictionary<long, long>();
            server.Chain.HeadChanged += hc => { foreach (var a in hc.Applies) announced.TryAdd(a.Height, Stopwatch.GetTimestamp()); };
            var follower = new LotusFollower(engine, ct => LotusClient.ConnectAsync(server.Endpoint, null, ct));
            var appliedSignal = new SemaphoreSlim(0);
            follower.HeadApplied += ts => { applied.TryAdd(ts.Height, Stopwatch.GetTimestamp()); appliedSignal.Release(); };
            var run = Task.Run(() => follower.RunAsync(cts.Token));
            var sw = Stopwatch.StartNew();
            WaitHead(engine, server.Chain.Head.Height, appliedSignal, run);
            Console.WriteLine($"bootstrap         {engine.Store.Count:N0} blocks over RPC in {sw.Elapsed.TotalSeconds:N1} s (height {engine.Head!.Height})");

            var lat = new List<double>();
            var newBlocks = new List<long>();
            for (int i = 0; i < epochs + 1; i++)
            {
                long fetched0 = engine.Dag.BlocksFetched;
                var head = server.Chain.Advance(1);
                WaitHead(engine, head.Height, appliedSignal, run);
                if (i == 0) continue; // warm-up (JIT)
                double ms = Stopwatch.GetElapsedTime(announced[head.Height], applied[head.Height]).TotalMilliseconds;
                lat.Add(ms);
                newBlocks.Add(engine.Dag.BlocksFetched - fetched0);
            }
            lat.Sort();
            double p50 = lat[lat.Count / 2], p95 = lat[(int)Math.Ceiling(lat.Count * 0.95) - 1], max = lat[^1];
            Console.WriteLine($"new blocks/epoch  mean {newBlocks.Average():N0} (min {newBlocks.Min():N0}, max {newBlocks.Max():N0}), {epochs} epochs");
            Console.WriteLine($"apply latency     p50 {p50:N0} ms, p95 {p95:N0} ms, max {max:N0} ms ({newBlocks.Average() / (lat.Average() / 1000):N0} blocks/s)");
            bool pass = max <= 2000 && newBlocks.Average() >= 5000;
            Console.WriteLine($"ratio max latency / 2 s = {max / 2000:N2} at {newBlocks.Average():N0} new blocks per epoch (target <= 1.00 at >= 5,000) {(pass ? "PASS" : "FAIL")}");
            return pass ? 0 : 1;
        }
        finally
        {
            cts.Cancel();
            server.StopAsync().GetAwaiter().GetResult();
            engine.Dispose();
        }
    }

    private static void WaitHead(ChainStore engine, long height, SemaphoreSlim signal, Task run)
    {
        var deadline = Stopwatch.StartNew();
        while ((engine.Head?.Height ?? -1) < height)
        {
            if (run.IsCompleted) run.GetAwaiter().GetResult();
            if (deadline.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"the follower did not reach height {height}");
            signal.Wait(100);
        }
    }

    private static int Arg(string[] args, string name, int def)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) ? v : def;
    }
}
