using CsCheck;
using FilFil.Core.Store;
using Xunit;

namespace FilFil.Core.Tests.Store;

/// <summary>
/// <see cref="CidList"/> keeps its bytes in chunks: CIDs of any length that cross chunk boundaries read back in order,
/// by position, skipped or popped, and a cleared list reused holds only what is added after. Released chunks serve
/// other lists, never two at once.
/// </summary>
public sealed class CidListTests
{
    [Fact]
    public void Cids_across_chunks_read_back_in_order_skip_and_pop_and_a_cleared_list_is_reused()
    {
        // CID lengths 1-255 (a length byte each) over two passes of a list started at a small capacity
        Gen.Select(Gen.Int[1, 255].Array[1, 5000], Gen.Int[1, 4096], Gen.Int[0, 200]).Sample((lengths, capacity, seed) =>
        {
            var list = new CidList(capacity);
            for (int pass = 0; pass < 2; pass++)
            {
                list.Clear();
                int count = pass == 0 ? lengths.Length : lengths.Length / 2;
                var cids = new byte[count][];
                var at = new List<int>();
                for (int i = 0; i < count; i++)
                {
                    cids[i] = new byte[lengths[i]];
                    new Random(seed * 7919 + i + pass).NextBytes(cids[i]);
                    at.Add(list.ByteLength);
                    list.Add(cids[i]);
                }
                Assert.Equal(count, list.Count);
                int pos = 0;
                for (int i = 0; i < count; i++) Assert.True(list.Read(ref pos).SequenceEqual(cids[i]));
                Assert.Equal(list.ByteLength, pos);
                // every position recorded before an Add reads that CID, and skipping reaches the same place
                for (int i = 0; i < count; i += 97)
                {
                    int p = at[i];
                    Assert.True(list.Read(ref p).SequenceEqual(cids[i]));
                    int q = 0;
                    list.Skip(ref q, i);
                    Assert.True(list.Read(ref q).SequenceEqual(cids[i]));
                }
                // a stack: pop back to the first third, then add again
                int keep = count / 3;
                for (int i = count - 1; i >= keep; i--) Assert.True(list.Pop(at).SequenceEqual(cids[i]));
                Assert.Equal(keep, list.Count);
                list.Add(cids[0]);
                pos = 0;
                for (int i = 0; i < keep; i++) Assert.True(list.Read(ref pos).SequenceEqual(cids[i]));
                Assert.True(list.Read(ref pos).SequenceEqual(cids[0]));
            }
        }, iter: 40);
    }

    [Fact]
    public void A_list_larger_than_a_chunk_never_splits_a_cid()
    {
        var list = new CidList(64);
        var cid = new byte[200];
        int n = 3 * CidList.ChunkSize / 201 + 5;
        for (int i = 0; i < n; i++)
        {
            cid[0] = (byte)i;
            list.Add(cid);
        }
        int pos = 0;
        for (int i = 0; i < n; i++)
        {
            var c = list.Read(ref pos);
            Assert.Equal(200, c.Length);
            Assert.Equal((byte)i, c[0]);
        }
        Assert.Throws<ArgumentException>(() => list.Add(ReadOnlySpan<byte>.Empty));
        Assert.Throws<ArgumentException>(() => list.Add(new byte[256]));
    }

    [Fact]
    public void Released_chunks_serve_other_lists_and_never_two_lists_at_once()
    {
        var cid = new byte[100];
        int perList = 3 * CidList.ChunkSize / 101 + 7; // four chunks each
        void Fill(CidList l, byte tag, int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                cid[0] = tag;
                cid[1] = (byte)i;
                cid[99] = (byte)(i >> 8);
                l.Add(cid);
            }
        }
        void Check(CidList l, byte tag)
        {
            Assert.Equal(perList, l.Count);
            int pos = 0;
            for (int i = 0; i < perList; i++)
            {
                var c = l.Read(ref pos);
                Assert.Equal(100, c.Length);
                Assert.True(c[0] == tag && c[1] == (byte)i && c[99] == (byte)(i >> 8), $"list {tag}, CID {i}: another list's bytes");
            }
        }
        var a = new CidList(64);
        Fill(a, 1, 0, perList);
        Check(a, 1);
        a.Release();
        a.Release(); // a second release gives nothing back twice
        Assert.Equal(0, a.Count);
        Assert.Equal(0, a.ByteLength);
        Assert.InRange(CidList.KeptChunks, 0, CidList.KeptChunksLimit);
        // the released chunks go to these lists (a full-size first chunk too), filled in turns, and the first list again
        var b = new CidList(64);
        var c2 = new CidList(CidList.ChunkSize);
        for (int step = 0; step < perList; step += 1000)
        {
            int to = Math.Min(perList, step + 1000);
            foreach (var (l, tag) in new[] { (a, (byte)2), (b, (byte)3), (c2, (byte)4) }) Fill(l, tag, l.Count, to);
        }
        Check(a, 2);
        Check(b, 3);
        Check(c2, 4);
    }
}
