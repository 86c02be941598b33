using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;
using FilFil.Core.Store;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

public class EngineTests
{
    private static async Task<(ChainStore, TestChain, List<TipSet>)> Build(int n, int k, int length, bool keepAll = false)
    {
        var chain = new TestChain();
        var e = new ChainStore(new ChainStoreOptions { RecentStateRoots = n, ReorgDepth = k, KeepAllMessages = keepAll });
        await e.BootstrapAsync(chain.Genesis, chain.Source);
        var list = new List<TipSet> { chain.Genesis };
        for (int i = 1; i <= length; i++)
        {
            var ts = chain.Next(list[^1], height: i % 7 == 0 ? list[^1].Height + 2 : null, blocks: 1 + i % 2); // some null rounds
            await e.ApplyAsync(ts, chain.Source);
            e.VerifyInvariant();
            list.Add(ts);
        }
        return (e, chain, list);
    }

    private static async Task<SnapshotVerification> Snapshot(ChainStore e, SnapshotOptions o)
    {
        using var ms = new MemoryStream();
        await SnapshotWriter.WriteAsync(e, ms, o);
        ms.Position = 0;
        return SnapshotVerifier.Verify(ms);
    }

    [Fact]
    public async Task ApplyingSlidesTheWindowAndKeepsTheInvariant()
    {
        var (e, chain, list) = await Build(n: 5, k: 2, length: 30);
        using var _ = e;
        Assert.Equal(list[^1].Height, e.Head!.Height);
        Assert.All(e.Window, t => Assert.True(t.Height > e.Head.Height - 7)); // N + K heights (some null rounds)
        Assert.True(e.Window.Count >= 5);
        var v = await Snapshot(e, new SnapshotOptions { RecentStateRoots = 5, SkipOldMessages = true });
        Assert.True(v.Ok, $"missing {v.FirstMissing}");
        Assert.Equal(list.Sum(t => t.Cids.Count), v.HeadersWalked);
        Assert.Throws<ArgumentOutOfRangeException>(() => Snapshot(e, new SnapshotOptions { RecentStateRoots = 8, SkipOldMessages = true }).GetAwaiter().GetResult());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Snapshot(e, new SnapshotOptions { RecentStateRoots = 5 }));
        e.VerifyInvariant();
    }

    [Fact]
    public async Task RevertAndReapplyWithinKRefetchNothingBelow()
    {
        var (e, chain, list) = await Build(n: 4, k: 3, length: 12);
        using var _ = e;
        var head = list[^1];
        await e.RevertAsync(head, chain.Source);
        e.VerifyInvariant();
        await e.RevertAsync(list[^2], chain.Source);
        e.VerifyInvariant();
        Assert.Equal(list[^3].Height, e.Head!.Height);
        int before = chain.Source.Requests;
        var fork = chain.Next(list[^3], salt: 1);
        await e.ApplyAsync(fork, chain.Source);
        e.VerifyInvariant();
        Assert.True(chain.Source.Requests - before <= 8, $"{chain.Source.Requests - before} fetches for one forked tipset");
        var v = await Snapshot(e, new SnapshotOptions { RecentStateRoots = 4, SkipOldMessages = true });
        Assert.True(v.Ok);
        await Assert.ThrowsAsync<InvalidOperationException>(() => e.RevertAsync(head, chain.Source));
        await Assert.ThrowsAsync<InvalidOperationException>(() => e.ApplyAsync(chain.Next(list[^2], salt: 2), chain.Source));
    }

    [Fact]
    public async Task DeepRevertRelinksTheWindowBelow()
    {
        var (e, chain, list) = await Build(n: 3, k: 1, length: 10);
        using var _ = e;
        for (int i = 1; i <= 5; i++)
        {
            await e.RevertAsync(list[^i], chain.Source);
            e.VerifyInvariant();
        }
        Assert.True(e.AvailableRecentStateRoots() >= 3);
        var v = await Snapshot(e, new SnapshotOptions { RecentStateRoots = 3, SkipOldMessages = true });
        Assert.True(v.Ok);
    }

    [Fact]
    public async Task FailedApplyLeavesTheEngineUnchanged()
    {
        var (e, chain, list) = await Build(n: 3, k: 1, length: 4);
        using var _ = e;
        var next = chain.Next(list[^1]);
        long countBefore = e.Store.Count;
        var missing = Assert.Single(DagLinksOf(chain, next.Headers[0].ParentStateRoot).Where(c => chain.Source.Blocks.ContainsKey(c) && !e.Store.Contains(c.Bytes) && c.Codec == Multicodec.DagCbor).Take(1));
        chain.Source.Missing.Add(missing);
        await Assert.ThrowsAsync<BlockUnavailableException>(() => e.ApplyAsync(next, chain.Source));
        Assert.Equal(list[^1].Height, e.Head!.Height);
        Assert.Equal(countBefore, e.Store.Count);
        e.VerifyInvariant();
        chain.Source.Missing.Clear();
        await e.ApplyAsync(next, chain.Source);
        e.VerifyInvariant();
    }

    private static IEnumerable<Cid> DagLinksOf(TestChain chain, Cid root)
    {
        var stack = new Stack<Cid>(new[] { root });
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            yield return c;
            if (chain.Source.Blocks.TryGetValue(c, out var d)) foreach (var ch in DagLinks.Children(c, d)) stack.Push(ch);
        }
    }

    [Fact]
    public async Task KeepAllMessagesSnapshotsMatchAFreshImport()
    {
        var (e, chain, list) = await Build(n: 2, k: 1, length: 9, keepAll: true);
        using var _ = e;
        using var ms = new MemoryStream();
        await SnapshotWriter.WriteAsync(e, ms, new SnapshotOptions { RecentStateRoots = 2 });
        var first = ms.ToArray();
        Assert.True(SnapshotVerifier.Verify(new MemoryStream(first)).Ok);
        using var re = await SnapshotImporter.ImportAsync(new MemoryStream(first), new ChainStoreOptions { RecentStateRoots = 2, ReorgDepth = 1, KeepAllMessages = true });
        re.VerifyInvariant();
        using var ms2 = new MemoryStream();
        await SnapshotWriter.WriteAsync(re, ms2, new SnapshotOptions { RecentStateRoots = 2 });
        Assert.Equal(first, ms2.ToArray());
    }

    [Fact]
    public async Task ConcurrentApplyDuringAWriteIsSafe()
    {
        var (e, chain, list) = await Build(n: 3, k: 0, length: 6);
        using var _ = e;
        var gate = new SemaphoreSlim(0);
        var slow = new SlowStream(gate);
        var write = SnapshotWriter.WriteAsync(e, slow, new SnapshotOptions { RecentStateRoots = 3, SkipOldMessages = true });
        var head = list[^1];
        for (int i = 0; i < 6; i++)
        {
            head = chain.Next(head);
            await e.ApplyAsync(head, chain.Source);
        }
        gate.Release(int.MaxValue / 2);
        var r = await write;
        Assert.Equal(list[^1].Height, r.TipSet.Height);
        slow.Position = 0;
        var v = SnapshotVerifier.Verify(slow.Inner);
        Assert.True(v.Ok, $"missing {v.FirstMissing}");
        e.VerifyInvariant();
    }

    private sealed class SlowStream(SemaphoreSlim gate) : MemoryStream
    {
        public MemoryStream Inner { get; } = new();
        private bool _waited;
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!_waited) { gate.Wait(); _waited = true; }
            Inner.Write(buffer);
        }
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override long Position { get => Inner.Position; set => Inner.Position = value; }
    }
}
