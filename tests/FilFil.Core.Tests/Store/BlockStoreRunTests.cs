using CsCheck;
using FilFil.Core.Ipld;
using FilFil.Core.Store;
using Xunit;

namespace FilFil.Core.Tests.Store;

/// <summary>
/// <see cref="BlockStore.InsertRun"/> from several threads at once (an import's runs) holds exactly what one-by-one
/// inserts of the same blocks hold, with the same CID turning up in runs inserted at the same time, and the index
/// growing while they run.
/// </summary>
public sealed class BlockStoreRunTests
{
    [Fact]
    public void Runs_inserted_by_several_threads_at_once_hold_what_one_by_one_inserts_hold()
    {
        // pool of distinct blocks, threads, blocks per run, seed
        Gen.Select(Gen.Int[1, 600], Gen.Int[1, 4], Gen.Int[1, 80], Gen.Int).Sample((pool, threads, runLength, seed) =>
        {
            var r = new Random(seed);
            var blocks = new List<(byte[] Cid, byte[] Data)>();
            for (int i = 0; i < pool; i++)
            {
                var d = new byte[r.Next(20) == 0 ? r.Next(8_000, 40_000) : r.Next(0, 900)]; // some in the large size classes
                r.NextBytes(d);
                var c = r.Next(4) == 0 ? Cid.Create(Multicodec.Raw, Multicodec.Blake2b256, Hashing.Blake2b256(d)) : Cid.Hash(d);
                blocks.Add((c.ToArray(), d));
            }
            // three draws per block: most CIDs arrive several times, often in runs that are inserted at the same time
            var sequence = Enumerable.Range(0, 3 * pool).Select(_ => blocks[r.Next(pool)]).ToList();
            var runs = sequence.Chunk(runLength).Select(chunk => Run(chunk, r)).ToList();

            var model = new Dictionary<string, byte[]>();
            foreach (var (c, d) in sequence) model.TryAdd(Convert.ToHexString(c), d);

            using var store = new BlockStore(initialCapacityLog2: 4, chunkSizeLog2: 23);
            int next = -1;
            long added = 0;
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                int k;
                while ((k = Interlocked.Increment(ref next)) < runs.Count)
                    Interlocked.Add(ref added, store.InsertRun(runs[k].Buffer, runs[k].Blocks));
            })).ToList();
            workers.ForEach(t => t.Start());
            workers.ForEach(t => t.Join());

            Assert.Equal(model.Count, added);
            Assert.Equal(model.Count, store.Count);
            Assert.Equal(model.Values.Sum(d => (long)d.Length), store.DataBytes);
            Assert.Equal(model.Keys.Sum(c => (long)c.Length / 2), store.CidBytes);
            Assert.Equal(model.Count, store.Addresses().Length);
            foreach (var (hex, d) in model)
            {
                long a = store.Find(Convert.FromHexString(hex));
                Assert.True(a >= 0, $"{hex} lost");
                Assert.Equal(d, store.GetData(a).ToArray());
                Assert.Equal(0u, store.GetRefs(a));
                Assert.Equal(0, store.GetPins(a));
            }
            // the index stays consistent for removals (backward-shift deletion over slots claimed by compare-and-swap)
            foreach (var hex in model.Keys.Where((_, i) => i % 2 == 0)) store.Remove(store.Find(Convert.FromHexString(hex)));
            foreach (var (hex, i) in model.Keys.Select((h, i) => (h, i)))
                Assert.Equal(i % 2 != 0, store.Contains(Convert.FromHexString(hex)));
        }, iter: 60);
    }

    /// <summary>A run's buffer: each block's CID and data back to back, with a few bytes of other data between blocks.</summary>
    private static (byte[] Buffer, RunBlock[] Blocks) Run((byte[] Cid, byte[] Data)[] blocks, Random r)
    {
        var buf = new MemoryStream();
        var list = new List<RunBlock>();
        foreach (var (c, d) in blocks)
        {
            buf.Write(new byte[r.Next(0, 8)]);
            list.Add(new RunBlock((int)buf.Length, c.Length, d.Length));
            buf.Write(c);
            buf.Write(d);
        }
        return (buf.ToArray(), list.ToArray());
    }

    [Fact]
    public void A_run_with_a_block_the_store_cannot_hold_is_refused_before_anything_is_inserted()
    {
        using var store = new BlockStore();
        var d = new byte[100];
        var c = Cid.Hash(d).ToArray();
        var buf = c.Concat(d).ToArray();
        Assert.Throws<ArgumentException>(() => store.InsertRun(buf, new[] { new RunBlock(0, c.Length, d.Length), new RunBlock(0, 0, 10) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.InsertRun(buf, new[] { new RunBlock(0, c.Length, d.Length), new RunBlock(10, c.Length, d.Length) }));
        Assert.Equal(0, store.Count);
        Assert.Equal(1, store.InsertRun(buf, new[] { new RunBlock(0, c.Length, d.Length) }));
        Assert.Equal(d, store.GetCopy(c));
    }
}
