using FilFil.Core.Store;
using Xunit;

namespace FilFil.Core.Tests.Store;

/// <summary>
/// <see cref="PagePool"/> keeps the native blocks a disposed store gave back for the next store of the same size:
/// within its byte limit, for its keep time, cleared when asked; a block store built on it reuses a disposed one's
/// arena and index and holds exactly its own blocks.
/// </summary>
public sealed unsafe class PagePoolTests
{
    private const nuint Block = 2 << 20;

    [Fact]
    public void A_returned_block_is_rented_again_for_the_same_size_and_cleared_when_asked()
    {
        using var pool = new PagePool(8 << 20, TimeSpan.FromMinutes(5));
        byte* p = (byte*)pool.Rent(Block, zero: false);
        new Span<byte>(p, (int)Block).Fill(0xab);
        pool.Return(p, Block);
        Assert.Equal((long)Block, pool.KeptBytes);
        void* other = pool.Rent(2 * Block, zero: false); // another size: a new block
        Assert.NotEqual((nint)p, (nint)other);
        pool.Return(other, 2 * Block);
        byte* again = (byte*)pool.Rent(Block, zero: true);
        Assert.Equal((nint)p, (nint)again);
        Assert.Equal(1, pool.Reused);
        Assert.True(new ReadOnlySpan<byte>(again, (int)Block).IndexOfAnyExcept((byte)0) < 0, "a block rented with zero: true holds only zeros");
        Assert.Equal((long)(2 * Block), pool.KeptBytes);
        pool.Return(again, Block);
    }

    [Fact]
    public void Beyond_the_limit_or_below_2_MiB_a_block_is_freed_and_the_keep_time_frees_the_rest()
    {
        using var pool = new PagePool(3 << 20, TimeSpan.FromMilliseconds(200));
        void* a = pool.Rent(Block, zero: false), b = pool.Rent(Block, zero: false), small = pool.Rent(64 << 10, zero: true);
        pool.Return(a, Block);
        pool.Return(b, Block); // 4 MiB would pass the 3 MiB limit
        pool.Return(small, 64 << 10);
        Assert.Equal((long)Block, pool.KeptBytes);
        // the timer frees what nobody took within the keep time
        var until = DateTime.UtcNow.AddSeconds(10);
        while (pool.KeptBytes > 0 && DateTime.UtcNow < until) Thread.Sleep(20);
        Assert.Equal(0, pool.KeptBytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PagePool(-1, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PagePool(1, TimeSpan.Zero));
    }

    [Fact]
    public void A_store_after_a_disposed_one_reuses_its_arena_and_index_and_holds_only_its_own_blocks()
    {
        using var pool = new PagePool(1L << 30, TimeSpan.FromMinutes(5));
        var r = new Random(5);
        (byte[] Cid, byte[] Data) Next()
        {
            var d = new byte[r.Next(40, 2000)];
            r.NextBytes(d);
            return (FilFil.Core.Ipld.Cid.Hash(d).Bytes.ToArray(), d);
        }
        var first = Enumerable.Range(0, 20_000).Select(_ => Next()).ToList();
        var second = Enumerable.Range(0, 20_000).Select(_ => Next()).ToList();
        using (var s = new BlockStore(initialCapacityLog2: 18, chunkSizeLog2: 23, pages: pool))
        {
            foreach (var (c, d) in first) s.Insert(c, d);
            Assert.True(s.ArenaBytes >= 16 << 20);
        }
        long kept = pool.KeptBytes;
        Assert.True(kept >= (16 << 20) + (2 << 20), $"the arena and the 2 MiB index are kept ({kept} bytes)");
        using var t = new BlockStore(initialCapacityLog2: 18, chunkSizeLog2: 23, pages: pool);
        foreach (var (c, d) in second) t.Insert(c, d);
        Assert.True(pool.Reused >= 3, $"the index and the arena chunks are reused ({pool.Reused} blocks)");
        Assert.Equal(second.Count, t.Count);
        foreach (var (c, _) in first) Assert.False(t.Contains(c)); // the index was cleared: nothing of the first store is found
        foreach (var (c, d) in second) Assert.Equal(d, t.GetCopy(c));
    }
}
