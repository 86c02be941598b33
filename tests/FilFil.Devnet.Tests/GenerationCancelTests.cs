using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>
/// Ctrl-C during a large Start-FilFilDevnet took ~19 s: the state generation took no token. These cancel a generation
/// that would take many seconds and check that it stops long before it could have finished (by how much it wrote,
/// not by a clock).
/// </summary>
public class GenerationCancelTests
{
    /// <summary>Counts the blocks written and keeps none (so the test's own memory stays small).</summary>
    private sealed class CountingSink(long cancelAt = -1, CancellationTokenSource? cancel = null) : IBlockSink
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);
        public void Put(Cid cid, byte[] data)
        {
            if (Interlocked.Increment(ref _count) == cancelAt) cancel!.Cancel();
        }
    }

    [Fact]
    public void CancellingTheInitialStateTreeStopsItFarBeforeItsEnd()
    {
        // 4 M leaves: ~4.1 M nodes to hash, many seconds of work
        var o = new DevnetOptions { Seed = 3, StateBlocks = 4_000_000, AverageBlockSize = 16 };
        // cancelled once 100,000 nodes are written (by the build's own progress, not a timer: a timer fired late on a
        // busy test host let the build pass half its nodes before the cancellation came)
        using var cts = new CancellationTokenSource();
        var sink = new CountingSink(100_000, cts);
        Assert.ThrowsAny<OperationCanceledException>(() => new StateTree(o, Cid.Hash("genesis"u8.ToArray()), sink, cts.Token));
        long afterCancel = sink.Count;
        // the token is checked every 1,024 nodes
        Assert.True(afterCancel < 100_000 + 4096, $"{afterCancel} nodes written, {afterCancel - 100_000} after the cancellation");
        Thread.Sleep(200);
        Assert.Equal(afterCancel, sink.Count); // nothing goes on writing behind the exception
    }

    [Fact]
    public void CancellingANewChainThrowsInsteadOfFinishing()
    {
        using (new DevnetChain(new DevnetOptions { StateBlocks = 64 })) { } // warm: the genesis load alone can take 300 ms cold
        // 4 M state blocks take well over 30 s here; cancelled once the state tree is under way, it must stop at once
        var o = new DevnetOptions { Seed = 3, StateBlocks = 4_000_000, AverageBlockSize = 16 };
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(1000));
        Assert.ThrowsAny<OperationCanceledException>(() => new DevnetChain(o, cts.Token));
        // loose: only "it did not run the generation to its end" (which takes many times this)
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"the cancelled generation returned after {sw.Elapsed}");
        // the server's start passes its token to the generation
        using var cts2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(1000));
        Assert.ThrowsAny<OperationCanceledException>(() => DevnetServer.StartAsync(o, cts2.Token).GetAwaiter().GetResult());
    }

    [Fact]
    public void AnAlreadyCancelledTokenWritesNothing()
    {
        var sink = new CountingSink();
        Assert.ThrowsAny<OperationCanceledException>(() => new StateTree(new DevnetOptions(), Cid.Hash("g"u8.ToArray()), sink, new CancellationToken(true)));
        Assert.Equal(0, sink.Count);
        using var ms = new MemoryStream();
        Assert.ThrowsAny<OperationCanceledException>(() => DevnetChain.WriteSyntheticCar(new DevnetOptions { StateBlocks = 64 }, ms, 5, new CancellationToken(true)));
    }
}
