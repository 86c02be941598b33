using FilFil.Core.Ipld;
using FilFil.Core.Store;
using Xunit;

namespace FilFil.Core.Tests.Store;

public class BlockStoreTests
{
    private static (Cid, byte[]) Block(Random r, int size)
    {
        var d = new byte[size];
        r.NextBytes(d);
        return (Cid.Hash(d), d);
    }

    [Fact]
    public void Reserve_sizes_the_index_once_keeps_what_it_holds_and_never_shrinks()
    {
        using var s = new BlockStore(initialCapacityLog2: 4, chunkSizeLog2: 23);
        var r = new Random(2);
        var held = Enumerable.Range(0, 10).Select(_ => Block(r, r.Next(16, 300))).ToList();
        foreach (var (c, d) in held) s.Insert(c.Bytes, d);
        s.Reserve(10_000);
        Assert.Equal(16384L * sizeof(ulong), s.IndexBytes); // 10,000 blocks fit below 3/4 of 2^14 slots, not of 2^13
        foreach (var (c, d) in held) Assert.Equal(d, s.GetCopy(c.Bytes));
        s.Reserve(5);
        Assert.Equal(16384L * sizeof(ulong), s.IndexBytes);
        for (int i = 0; i < 10_000 - held.Count; i++)
        {
            var (c, d) = Block(r, 40);
            s.Insert(c.Bytes, d);
        }
        Assert.Equal(16384L * sizeof(ulong), s.IndexBytes); // no doubling up to the reserved count
        Assert.Equal(10_000, s.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Reserve(-1));
    }

    [Fact]
    public void InsertFindRemove_MatchesADictionaryAcrossResizes()
    {
        using var s = new BlockStore(initialCapacityLog2: 4, chunkSizeLog2: 23);
        var r = new Random(1);
        var model = new Dictionary<Cid, byte[]>();
        for (int i = 0; i < 20000; i++)
        {
            var (c, d) = Block(r, r.Next(16, 700));
            s.Insert(c.Bytes, d, (uint)(i % 5), i % 3);
            model[c] = d;
            if (i % 3 == 0)
            {
                var victim = model.Keys.ElementAt(r.Next(model.Count));
                s.Remove(s.Find(victim.Bytes));
                model.Remove(victim);
            }
        }
        Assert.Equal(model.Count, s.Count);
        Assert.Equal(model.Values.Sum(v => (long)v.Length), s.DataBytes);
        foreach (var (c, d) in model)
        {
            long a = s.Find(c.Bytes);
            Assert.True(a >= 0, $"{c} lost");
            Assert.Equal(d, s.GetData(a).ToArray());
            Assert.Equal(c.ToArray(), s.GetCid(a).ToArray());
        }
        Assert.Equal(model.Count, s.Addresses().Length);
    }

    [Fact]
    public void FreedSpaceIsReused()
    {
        using var s = new BlockStore(chunkSizeLog2: 23);
        var r = new Random(2);
        var cids = new List<Cid>();
        for (int i = 0; i < 30000; i++) { var (c, d) = Block(r, 300); s.Insert(c.Bytes, d); cids.Add(c); }
        long arena = s.ArenaBytes;
        foreach (var c in cids) s.Remove(s.Find(c.Bytes));
        Assert.Equal(0, s.Count);
        Assert.True(s.FreeBytes > 30000L * 300);
        for (int i = 0; i < 30000; i++) { var (c, d) = Block(r, 300); s.Insert(c.Bytes, d); }
        Assert.Equal(arena, s.ArenaBytes);
    }

    [Fact]
    public void SameDigestDifferentCodecAreTwoBlocks()
    {
        using var s = new BlockStore();
        var d = new byte[] { 1, 2, 3 };
        var a = Cid.Hash(d, Multicodec.DagCbor);
        var b = Cid.Hash(d, Multicodec.Raw);
        Assert.Equal(a.Digest.ToArray(), b.Digest.ToArray());
        s.Insert(a.Bytes, d, 1);
        Assert.Equal(-1, s.Find(b.Bytes));
        s.Insert(b.Bytes, new byte[] { 9 }, 2);
        Assert.Equal(1u, s.GetRefs(s.Find(a.Bytes)));
        Assert.Equal(2u, s.GetRefs(s.Find(b.Bytes)));
        Assert.Throws<InvalidOperationException>(() => s.Insert(a.Bytes, d));
    }

    [Fact]
    public void RefsAndPinsAreBounded()
    {
        using var s = new BlockStore();
        var (c, d) = Block(new Random(3), 10);
        long a = s.Insert(c.Bytes, d, 0, 0);
        Assert.Throws<InvalidOperationException>(() => s.AddRefs(a, -1));
        Assert.Equal(0u, s.AddRefs(a, 5));
        Assert.Equal(5u, s.GetRefs(a));
        Assert.Equal(0, s.AddPins(a, 7));
        Assert.Throws<InvalidOperationException>(() => s.AddPins(a, 1));
        Assert.Equal(5u, s.GetRefs(a));
        Assert.Throws<ArgumentException>(() => s.Insert(Cid.Hash(new byte[1]).Bytes, new byte[BlockStore.MaxDataLength + 1]));
    }

    [Fact]
    public void ReadersRunConcurrentlyWithAWriter()
    {
        using var s = new BlockStore(initialCapacityLog2: 4, chunkSizeLog2: 23);
        var r = new Random(4);
        var first = Enumerable.Range(0, 2000).Select(_ => Block(r, r.Next(16, 400))).ToList();
        foreach (var (c, d) in first) s.Insert(c.Bytes, d, 1);
        using var stop = new CancellationTokenSource();
        int errors = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
                foreach (var (c, d) in first)
                    if (!(s.GetCopy(c.Bytes) ?? Array.Empty<byte>()).AsSpan().SequenceEqual(d)) Interlocked.Increment(ref errors);
        })).ToArray();
        for (int i = 0; i < 50000; i++) { var (c, d) = Block(r, r.Next(16, 400)); s.Insert(c.Bytes, d); }
        stop.Cancel();
        Task.WaitAll(readers);
        Assert.Equal(0, errors);
        Assert.Equal(52000, s.Count);
    }
}
