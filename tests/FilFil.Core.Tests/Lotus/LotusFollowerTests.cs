using System.Collections.Concurrent;
using FilFil.Core.Chain;
using FilFil.Core.Lotus;
using FilFil.Core.Snapshot;
using FilFil.Devnet;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Xunit;

namespace FilFil.Core.Tests.Lotus;

public class LotusFollowerTests
{
    private static async Task WaitFor(Func<bool> cond, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!cond())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }

    /// <summary>The engine these tests follow into (5 recent state roots, reorgs up to 3 deep).</summary>
    private static ChainStore NewEngine() => new(new ChainStoreOptions { RecentStateRoots = 5, ReorgDepth = 3 });

    private static Func<CancellationToken, Task<LotusClient>> Connect(DevnetServer server) =>
        ct => LotusClient.ConnectAsync(server.Endpoint, null, ct);

    [Fact]
    public async Task BootstrapsAfterTenInterruptedAttemptsWithoutLeakingPins()
    {
        // each interrupted bootstrap used to leave its header pins behind: the 8th overflowed the 3-bit pin counter
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 20_000, ChurnPerEpoch = 8, MessagesPerBlock = 2, Seed = 12 });
        server.Chain.Advance(3);
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server))
        {
            InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5),
        };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        for (int drop = 0; drop < 10; drop++)
        {
            long calls = server.Faults.ReadObjCalls;
            await WaitFor(() => server.Faults.ReadObjCalls >= calls + 100 || run.IsCompleted, "bootstrap reads");
            Assert.False(run.IsCompleted, run.Exception?.ToString());
            Assert.Null(engine.Head); // still bootstrapping: the drop interrupts it
            server.Faults.DropConnections();
            await WaitFor(() => follower.Reconnects > drop || run.IsCompleted, "reconnect");
        }
        await WaitFor(() => run.IsCompleted || engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids), "bootstrap after the drops");
        Assert.False(run.IsCompleted, run.Exception?.ToString());
        server.Chain.Advance(2);
        await WaitFor(() => engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids), "follow");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        engine.VerifyInvariant();
    }

    [Fact]
    public async Task RetriesFailedReadsWithoutReconnecting()
    {
        // a ChainReadObj method error is the node's answer, not a lost connection: retry the block, keep the subscription
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 2_000, ChurnPerEpoch = 8, MessagesPerBlock = 2, MaxBlocksPerTipSet = 3, Seed = 13 });
        server.Chain.Advance(3);
        server.Faults.ReadObjFailureRate = 0.1;
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server));
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        bool AtHead() => run.IsCompleted || engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids);
        await WaitFor(AtHead, "bootstrap");
        for (int i = 0; i < 10; i++)
        {
            server.Chain.Advance(1);
            await WaitFor(AtHead, $"epoch {i}");
        }
        Assert.False(run.IsCompleted, run.Exception?.ToString());
        Assert.True(server.Faults.FailedReads > 100, $"only {server.Faults.FailedReads} failed reads were served");
        Assert.Equal(0, follower.Reconnects);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        engine.VerifyInvariant();
    }

    [Fact]
    public async Task FaultsWhenTheNodeServesAnotherChainAfterAReconnect()
    {
        await using var mainnet = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 14 });
        await using var other = await DevnetServer.StartAsync(new DevnetOptions { Network = "calibnet", StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 15 });
        mainnet.Chain.Advance(3);
        other.Chain.Advance(20);
        Assert.False(mainnet.Chain.Genesis.Cids.SequenceEqual(other.Chain.Genesis.Cids));
        using var engine = NewEngine();
        var endpoint = mainnet.Endpoint;
        var follower = new LotusFollower(engine, ct => LotusClient.ConnectAsync(Volatile.Read(ref endpoint), null, ct))
        {
            InitialBackoff = TimeSpan.FromMilliseconds(20),
        };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        await WaitFor(() => run.IsCompleted || engine.Head is { } h && h.KeyEquals(mainnet.Chain.Head.Cids), "bootstrap");
        var held = engine.Head!;

        Volatile.Write(ref endpoint, other.Endpoint); // the same address now serves another chain
        mainnet.Faults.DropConnections();
        var e = await Assert.ThrowsAsync<LotusChainMismatchException>(() => run.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("genesis", e.Message, StringComparison.Ordinal);
        Assert.True(engine.Head!.KeyEquals(held.Cids), "the engine moved onto the other chain");
        Assert.Equal(1, follower.Reconnects);
        engine.VerifyInvariant();
    }

    [Fact]
    public async Task A_node_that_accepts_and_drops_at_once_gets_growing_backoff_not_a_tight_loop()
    {
        // the backoff used to reset at the first head-change batch of each connection: a node that accepts, sends
        // "current" and fails at once was reconnected every InitialBackoff, for ever
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 16 });
        server.Chain.Advance(3);
        using var engine = NewEngine();
        int connects = 0;
        bool dropEach = false;
        var follower = new LotusFollower(engine, async ct =>
        {
            var c = await LotusClient.ConnectAsync(server.Endpoint, null, ct);
            Interlocked.Increment(ref connects);
            if (Volatile.Read(ref dropEach)) _ = Task.Delay(50, CancellationToken.None).ContinueWith(_ => server.Faults.DropConnections(), TaskScheduler.Default);
            return c;
        })
        {
            InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromSeconds(10),
        };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        await WaitFor(() => run.IsCompleted || engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids), "bootstrap");
        Volatile.Write(ref dropEach, true);
        int before = Volatile.Read(ref connects);
        server.Faults.DropConnections();
        await Task.Delay(TimeSpan.FromSeconds(3));
        int during = Volatile.Read(ref connects) - before;
        Assert.False(run.IsCompleted, run.Exception?.ToString());
        // 20, 40, 80 ... ms: about 8 connections in 3 s (a reset each time gave about 40)
        Assert.InRange(during, 3, 12);

        // the node recovers: the next connection (after at most MaxBackoff) follows again
        Volatile.Write(ref dropEach, false);
        server.Chain.Advance(1);
        await WaitFor(() => engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids), "follow after the drops");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        engine.VerifyInvariant();
    }

    [Fact]
    public async Task Status_tells_the_truth_last_event_per_head_reconnects_while_down_fetch_rate_zero_when_idle()
    {
        var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 300, ChurnPerEpoch = 8, MessagesPerBlock = 2, Seed = 17 });
        server.Chain.Advance(3);
        using var engine = NewEngine();
        var endpoint = server.Endpoint;
        var follower = new LotusFollower(engine, ct => LotusClient.ConnectAsync(endpoint, null, ct))
        {
            InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(100),
            FetchRateWindow = TimeSpan.FromSeconds(1.5),
        };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        try
        {
            bool AtHead() => run.IsCompleted || engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids);
            await WaitFor(AtHead, "bootstrap");
            for (int i = 0; i < 5; i++)
            {
                server.Chain.Advance(1);
                await WaitFor(AtHead, $"epoch {i}");
            }
            // LastEvent used to stay at the bootstrap message
            long height = server.Chain.Head.Height;
            await WaitFor(() => follower.LastEvent?.StartsWith($"Head {height} ", StringComparison.Ordinal) == true, $"LastEvent at head {height}: {follower.LastEvent}");
            Assert.True(follower.FetchRate() > 0);
            await Task.Delay(TimeSpan.FromSeconds(3)); // nothing fetched for two windows
            Assert.Equal(0, follower.FetchRate());

            // Reconnects used to count only connections that succeeded: 0 while the node was down
            await server.DisposeAsync();
            await WaitFor(() => follower.Reconnects >= 3, "reconnect attempts while the node is down");
            Assert.False(run.IsCompleted, run.Exception?.ToString());
        }
        finally
        {
            await server.DisposeAsync();
            cts.Cancel();
        }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task FollowsThroughDroppedSocketsReorgsAndBadBlocks()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 300, ChurnPerEpoch = 8, MessagesPerBlock = 2, Seed = 11 });
        server.Chain.Advance(3);
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server))
        {
            InitialBackoff = TimeSpan.FromMilliseconds(20),
        };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        bool AtHead() => engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids);

        await WaitFor(AtHead, "bootstrap");
        server.Chain.Advance(4);
        await WaitFor(AtHead, "advance");

        server.Faults.DropConnections();
        server.Chain.Advance(3); // mined while disconnected
        await WaitFor(() => follower.Reconnects >= 1 && AtHead(), "reconnect and resync");

        server.Faults.ForceReorg(2);
        await WaitFor(AtHead, "reorg");

        server.Faults.CorruptRate = 0.3; // the RefDag refuses bad bytes and refetches
        server.Chain.Advance(3);
        await WaitFor(AtHead, "corrupt reads");
        server.Faults.Reset();

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        engine.VerifyInvariant();
        Assert.True(server.Faults.CorruptedReads > 0, "no corrupt reads were served");
        using var ms = new MemoryStream();
        await SnapshotWriter.WriteAsync(engine, ms, new SnapshotOptions { RecentStateRoots = 5, SkipOldMessages = true });
        ms.Position = 0;
        Assert.True(SnapshotVerifier.Verify(ms).Ok);
    }

    [Fact]
    public async Task Follows500EpochsWithReorgsAndNullRoundsKeepingTheInvariant()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions
        {
            StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 500,
            NullRoundRate = 0.1, ReorgRate = 0.05, MaxReorgDepth = 3,
        });
        server.Chain.Advance(5);
        int reorgs = 0;
        server.Chain.HeadChanged += hc => { if (hc.Reverts.Count > 0) Interlocked.Increment(ref reorgs); };
        // A small window (N = 20) so tipsets leave it, and are unlinked, all through the run.
        using var engine = new ChainStore(new ChainStoreOptions { RecentStateRoots = 20, ReorgDepth = 5 });
        var follower = new LotusFollower(engine, Connect(server));
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        bool AtHead() => engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids);
        await WaitFor(AtHead, "bootstrap");

        var rnd = new Random(500);
        long start = server.Chain.Head.Height;
        int checks = 0, snapshots = 0;
        while (server.Chain.Head.Height < start + 500)
        {
            server.Chain.Advance(1 + rnd.Next(30)); // random points, reorgs and null rounds as the devnet rolls them
            await WaitFor(AtHead, $"head {server.Chain.Head.Height}");
            engine.VerifyInvariant(); // the in-memory set equals a from-scratch walk of the window
            checks++;
            if (rnd.Next(3) == 0)
            {
                using var ms = new MemoryStream();
                var r = await SnapshotWriter.WriteAsync(engine, ms, new SnapshotOptions { RecentStateRoots = 20, SkipOldMessages = true });
                ms.Position = 0;
                var v = SnapshotVerifier.Verify(ms);
                Assert.True(v.Ok, $"snapshot at {r.TipSet.Height}: first missing {v.FirstMissing}, bad {v.FirstBadHash}");
                Assert.Equal(server.Chain.Head.Height, v.HeadHeight);
                snapshots++;
            }
        }
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(checks >= 20, $"{checks} invariant checks");
        Assert.True(snapshots >= 3, $"{snapshots} snapshots");
        Assert.True(engine.Dag.BadBlocksRefused == 0);
        Assert.True(reorgs >= 5, $"only {reorgs} reorgs in 500 epochs");
        Assert.True(server.Chain.Head.Height - start - 500 < 31);
    }

    [Fact]
    public async Task A_block_the_node_keeps_serving_corrupt_stops_the_follower_with_a_fault_naming_it()
    {
        // it used to count as a connection problem: the bootstrap failed after 6 reads of the block, the follower
        // reconnected, bootstrapped again and failed again, for ever ("Connection problem at null")
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 300, ChurnPerEpoch = 8, MessagesPerBlock = 2, Seed = 22 });
        server.Chain.Advance(3);
        var root = server.Chain.Head.Blocks[0].ParentStateRoot;
        server.Faults.CorruptBlock(root);
        var sink = new CollectingSink();
        using var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server)) { InitialBackoff = TimeSpan.FromMilliseconds(20), Logger = logger };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        var e = await Assert.ThrowsAsync<FilFil.Core.Store.BlockUnavailableException>(() => run.WaitAsync(TimeSpan.FromSeconds(90)));
        Assert.Equal(root, e.Cid);
        Assert.True(e.Corrupt);
        Assert.Contains(root.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
        Assert.Null(engine.Head);
        // a bounded number of tries: the block's reads on each of BlockFailureLimit connections, then the end
        Assert.Equal(follower.BlockFailureLimit - 1, follower.Reconnects);
        Assert.InRange(server.Faults.CorruptedReads, follower.BlockFailureLimit, 6 * follower.BlockFailureLimit);
        var stop = Assert.Single(sink.Events, ev => ev.Level == LogEventLevel.Error);
        Assert.Equal(root.ToString(), Scalar(stop, "Cid")?.ToString());
        Assert.StartsWith($"Block {root} is corrupt on the node", follower.LastEvent);
        // the height is unknown before the first head: said so, not printed as "null"
        Assert.DoesNotContain(sink.Events, ev => ev.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("null", StringComparison.Ordinal));
        Assert.Contains(sink.Events, ev => ev.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("holds no chain yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_block_the_node_keeps_refusing_stops_the_follower_with_an_unavailable_fault()
    {
        // every ChainReadObj answers with a method error: the first head's headers never come
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 23 });
        server.Chain.Advance(3);
        server.Faults.ReadObjFailureRate = 1;
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server)) { InitialBackoff = TimeSpan.FromMilliseconds(20), BlockFailureLimit = 2 };
        var e = await Assert.ThrowsAsync<FilFil.Core.Store.BlockUnavailableException>(() => follower.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90)));
        Assert.False(e.Corrupt);
        Assert.Contains(server.Chain.Head.Cids, c => c == e.Cid);
        Assert.Contains("unavailable", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, follower.Reconnects);
        Assert.Null(engine.Head);
    }

    [Fact]
    public async Task A_block_corrupt_on_one_connection_then_fine_is_survived()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 300, ChurnPerEpoch = 8, MessagesPerBlock = 2, Seed = 24 });
        server.Chain.Advance(3);
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server)) { InitialBackoff = TimeSpan.FromMilliseconds(20) };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        bool AtHead() => run.IsCompleted || engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids);
        await WaitFor(AtHead, "bootstrap");
        // the state root of the next tipset (the state after the head) is served corrupt until the follower has
        // given up on one connection, then fine again
        var root = server.Chain.Head.StateAfter;
        server.Faults.CorruptBlock(root);
        server.Chain.Advance(1);
        await WaitFor(() => run.IsCompleted || follower.Reconnects >= 1, "a reconnect after the corrupt block");
        server.Faults.ClearCorruptBlocks();
        await WaitFor(AtHead, "follow after the block is fine again");
        server.Chain.Advance(2);
        await WaitFor(AtHead, "follow on");
        Assert.False(run.IsCompleted, run.Exception?.ToString());
        Assert.True(server.Faults.CorruptedReads >= 1);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        engine.VerifyInvariant();
    }

    [Fact]
    public async Task A_header_that_does_not_decode_stops_the_bootstrap_with_a_fault_naming_it()
    {
        // bytes that hash to the announced CID but are not DAG-CBOR: the tipset's construction failed with a
        // FormatException, handled as a connection problem, and the follower reconnected for ever
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 25 });
        server.Chain.Advance(3);
        var bad = server.Faults.UndecodableHeader(server.Chain.Head.Cids[0]);
        var sink = new CollectingSink();
        using var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server)) { InitialBackoff = TimeSpan.FromMilliseconds(20), Logger = logger };
        var e = await Assert.ThrowsAsync<FilFil.Core.Store.BlockUnavailableException>(() => follower.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(bad, e.Cid);
        Assert.Equal(FilFil.Core.Store.BlockProblem.Undecodable, e.Problem);
        Assert.False(e.Corrupt);
        Assert.Contains(bad.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("do not decode as a block header", e.Message, StringComparison.Ordinal);
        Assert.Null(engine.Head);
        Assert.Equal(follower.BlockFailureLimit - 1, follower.Reconnects);
        Assert.StartsWith($"Block {bad} is undecodable on the node", follower.LastEvent);
        Assert.Equal(bad.ToString(), Scalar(Assert.Single(sink.Events, ev => ev.Level == LogEventLevel.Error), "Cid")?.ToString());
    }

    [Fact]
    public async Task A_header_cid_answered_with_message_bytes_stops_a_running_follower_after_the_limit()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 26 });
        server.Chain.Advance(3);
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server)) { InitialBackoff = TimeSpan.FromMilliseconds(20) };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        await WaitFor(() => run.IsCompleted || engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids), "bootstrap");
        var held = engine.Head!;
        // the head's block is now announced as its messages root (a TxMeta: DAG-CBOR, hashes right, no header)
        var bad = server.Faults.UndecodableHeader(server.Chain.Head.Cids[0], messageBytes: true);
        Assert.Equal(server.Chain.Head.Blocks[0].Messages, bad);
        server.Faults.DropConnections();
        var e = await Assert.ThrowsAsync<FilFil.Core.Store.BlockUnavailableException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(bad, e.Cid);
        Assert.Equal(FilFil.Core.Store.BlockProblem.Undecodable, e.Problem);
        Assert.Contains($"at height {held.Height}", e.Message, StringComparison.Ordinal);
        Assert.Contains("BlockHeader", e.Message, StringComparison.Ordinal); // what failed to decode, and where
        Assert.True(engine.Head!.KeyEquals(held.Cids));
        // the drop, then BlockFailureLimit connections on which the head's block failed
        Assert.Equal(follower.BlockFailureLimit, follower.Reconnects);
        Assert.StartsWith($"Block {bad} is undecodable on the node", follower.LastEvent);
        engine.VerifyInvariant();
    }

    [Fact]
    public async Task Method_errors_of_other_calls_are_asked_again_on_the_same_connection()
    {
        // a ChainGetGenesis or ChainGetTipSet error used to drop the connection and reconnect
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 27 });
        server.Chain.Advance(3);
        using var engine = NewEngine();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        var follower = new LotusFollower(engine, async ct =>
        {
            await Volatile.Read(ref gate).Task.WaitAsync(ct);
            return await LotusClient.ConnectAsync(server.Endpoint, null, ct);
        }) { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        bool AtHead() => run.IsCompleted || engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids);
        await WaitFor(AtHead, "bootstrap");
        server.Faults.FailMethod("Filecoin.ChainGetGenesis", 3);
        server.Faults.FailMethod("Filecoin.ChainNotify", 2);
        server.Faults.FailMethod("Filecoin.ChainGetTipSet", 3);
        Volatile.Write(ref gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        server.Faults.DropConnections();
        await WaitFor(() => run.IsCompleted || follower.Reconnects >= 1, "the reconnect");
        // the node's head moves on while the follower is away: the resync walks back with ChainGetTipSet
        server.Chain.Advance(3);
        Volatile.Read(ref gate).SetResult();
        await WaitFor(() => AtHead() && server.Faults.MethodErrors >= 8, "resync after the method errors");
        Assert.False(run.IsCompleted, run.Exception?.ToString());
        Assert.Equal(8, server.Faults.MethodErrors);
        Assert.Equal(1, follower.Reconnects); // the drop only
        server.Chain.Advance(1);
        await WaitFor(AtHead, "follow on");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        engine.VerifyInvariant();
    }

    [Fact]
    public async Task A_method_the_node_keeps_failing_stops_the_follower_with_a_fault_naming_it_not_a_reconnect_loop()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 28 });
        server.Chain.Advance(3);
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server)) { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(100), MethodAttempts = 5 };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        await WaitFor(() => run.IsCompleted || engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids), "bootstrap");
        var held = engine.Head!;
        server.Faults.FailMethod("Filecoin.ChainGetGenesis");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        server.Faults.DropConnections();
        var e = await Assert.ThrowsAsync<LotusMethodFailedException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("Filecoin.ChainGetGenesis", e.Method);
        Assert.Contains("Filecoin.ChainGetGenesis", e.Message, StringComparison.Ordinal);
        Assert.Contains("5 time(s) in a row", e.Message, StringComparison.Ordinal);
        Assert.Contains($"at height {held.Height}", e.Message, StringComparison.Ordinal);
        Assert.Contains("devnet injected failure", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, server.Faults.MethodErrors);
        Assert.Equal(1, follower.Reconnects); // the drop only: a method error is not a reason to reconnect
        // the waits grew (20, 40, 80, 100 ms), not a tight loop
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(240), $"{clock.Elapsed}");
        Assert.StartsWith("Filecoin.ChainGetGenesis failed 5 time(s) in a row on the node", follower.LastEvent);
        Assert.True(engine.Head!.KeyEquals(held.Cids));
    }

    [Fact]
    public async Task A_chain_notify_error_before_the_first_head_faults_too()
    {
        // ChainNotify itself answering with an error: asked again on the connection, then a fault (no head yet)
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 29 });
        server.Chain.Advance(2);
        server.Faults.FailMethod("Filecoin.ChainNotify");
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server)) { InitialBackoff = TimeSpan.FromMilliseconds(10), MethodAttempts = 3 };
        var e = await Assert.ThrowsAsync<LotusMethodFailedException>(() => follower.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("Filecoin.ChainNotify", e.Method);
        Assert.Contains("no head yet", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Faults.MethodErrors);
        Assert.Equal(0, follower.Reconnects);
        Assert.Null(engine.Head);
    }

    private sealed class CollectingSink : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();
        public void Emit(LogEvent e) => Events.Enqueue(e);
    }

    private static object? Scalar(LogEvent e, string name) =>
        e.Properties.TryGetValue(name, out var v) ? Assert.IsType<ScalarValue>(v).Value : throw new Xunit.Sdk.XunitException($"no {name} on '{e.MessageTemplate.Text}'");

    [Fact]
    public async Task A_reorg_is_logged_with_its_height_tipset_counts_and_time_as_structured_properties()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 200, ChurnPerEpoch = 6, MessagesPerBlock = 2, Seed = 21 });
        server.Chain.Advance(4);
        var sink = new CollectingSink();
        using var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        using var engine = NewEngine();
        var follower = new LotusFollower(engine, Connect(server)) { Logger = logger };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        bool AtHead() => engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids);
        await WaitFor(AtHead, "bootstrap");
        server.Chain.Advance(3);
        await WaitFor(AtHead, "advance");
        server.Faults.ForceReorg(2);
        await WaitFor(AtHead, "reorg");
        await WaitFor(() => sink.Events.Any(e => e.MessageTemplate.Text.StartsWith("Reorg", StringComparison.Ordinal)), "the reorg event");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var head = engine.Head!;
        var reorg = Assert.Single(sink.Events, e => e.MessageTemplate.Text.StartsWith("Reorg", StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Information, reorg.Level);
        Assert.Equal(head.Height, Convert.ToInt64(Scalar(reorg, "Height")));
        Assert.Equal(string.Join(",", head.Cids), Scalar(reorg, "TipSet"));
        Assert.Equal(2, Convert.ToInt32(Scalar(reorg, "Reverted")));
        Assert.True(Convert.ToInt32(Scalar(reorg, "Applied")) >= 2);
        Assert.IsType<TimeSpan>(Scalar(reorg, "Elapsed"));
        Assert.StartsWith("Reorg: reverted 2 and applied", follower.LastEvent);
        // the other events an operator reads: the connection (Information) and each head applied (Debug)
        Assert.Contains(sink.Events, e => e.Level == LogEventLevel.Information && e.MessageTemplate.Text.StartsWith("Connected", StringComparison.Ordinal));
        var applied = sink.Events.Where(e => e.Level == LogEventLevel.Debug && e.MessageTemplate.Text.StartsWith("Head ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(applied);
        var last = applied[^1];
        Assert.Equal(head.Height, Convert.ToInt64(Scalar(last, "Height")));
        Assert.Equal(engine.Store.Count, Convert.ToInt64(Scalar(last, "Blocks")));
        Assert.IsType<TimeSpan>(Scalar(last, "Lag"));
        Assert.True(Convert.ToInt64(Scalar(last, "Bytes")) > 0);
    }
}
