using System.Runtime.InteropServices;
using FilFil.Core.Ipld;
using Org.BouncyCastle.Crypto.Digests;
using Xunit;

namespace FilFil.Core.Tests.Ipld;

public unsafe class Blake2bBatchTests
{
    public static TheoryData<int> LaneCounts() => new() { 1, 4, 8 };

    private static byte[] Reference(ReadOnlySpan<byte> x)
    {
        var bc = new Blake2bDigest(256);
        bc.BlockUpdate(x.ToArray(), 0, x.Length);
        var d = new byte[32];
        bc.DoFinal(d, 0);
        return d;
    }

    private static byte[] HashAll(byte[] arena, int[] offsets, int[] lengths, int lanes)
    {
        var digests = new byte[32 * lengths.Length];
        fixed (byte* p = arena)
        {
            var ptrs = new nint[offsets.Length];
            for (int i = 0; i < offsets.Length; i++) ptrs[i] = (nint)(p + offsets[i]);
            Blake2bBatch.Hash256(ptrs, lengths, digests, lanes);
        }
        return digests;
    }

    [Theory]
    [MemberData(nameof(LaneCounts))]
    public void Every_message_gets_the_digest_bouncycastle_computes(int lanes)
    {
        // every length 0..700 (all block-boundary cases: 0, 127, 128, 129, 256, ...), in shuffled order so lanes
        // finish at different times and take new messages mid-batch
        var rnd = new Random(lanes);
        var lengths = Enumerable.Range(0, 701).OrderBy(_ => rnd.Next()).ToArray();
        var offsets = new int[lengths.Length];
        int total = 0;
        for (int i = 0; i < lengths.Length; i++) { offsets[i] = total; total += lengths[i] + rnd.Next(0, 9); }
        var arena = new byte[total + 1];
        rnd.NextBytes(arena);
        var digests = HashAll(arena, offsets, lengths, lanes);
        for (int i = 0; i < lengths.Length; i++)
            Assert.True(digests.AsSpan(32 * i, 32).SequenceEqual(Reference(arena.AsSpan(offsets[i], lengths[i]))), $"message {i} of length {lengths[i]} ({lanes} lanes)");
    }

    [Theory]
    [MemberData(nameof(LaneCounts))]
    public void Fewer_messages_than_lanes_and_one_long_message_among_short_ones(int lanes)
    {
        var rnd = new Random(7);
        var arena = new byte[100_000];
        rnd.NextBytes(arena);
        foreach (var lengths in new[] { new[] { 3 }, new[] { 300, 0 }, new[] { 99_000, 5, 129, 128, 1, 64, 250, 4000, 17 } })
        {
            var offsets = new int[lengths.Length];
            for (int i = 0; i < lengths.Length; i++) offsets[i] = i * 7 % (arena.Length - lengths[i]);
            var digests = HashAll(arena, offsets, lengths, lanes);
            for (int i = 0; i < lengths.Length; i++)
                Assert.True(digests.AsSpan(32 * i, 32).SequenceEqual(Reference(arena.AsSpan(offsets[i], lengths[i]))), $"length {lengths[i]} ({lanes} lanes)");
        }
    }

    [Fact]
    public void Lane_count_matches_the_cpu_and_bad_arguments_are_refused()
    {
        Assert.Contains(Blake2bBatch.Lanes, new[] { 1, 4, 8 });
        Assert.Throws<ArgumentException>(() => Blake2bBatch.Hash256(new nint[1], new[] { 1, 2 }, new byte[64]));
        Assert.Throws<ArgumentException>(() => Blake2bBatch.Hash256(new nint[2], new[] { 1, 2 }, new byte[63]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Blake2bBatch.Hash256(new nint[1], new[] { -1 }, new byte[32]));
    }
}
