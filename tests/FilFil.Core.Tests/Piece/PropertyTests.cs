using CsCheck;
using FilFil.Core.Piece;
using Xunit;

namespace FilFil.Core.Tests.Piece;

/// <summary>CsCheck properties: chunking, streaming vs one-shot, hash paths.</summary>
public class PropertyTests
{
    private static readonly Gen<byte[]> Payload = Gen.Byte.Array[0, 6000];

    [Fact]
    public void Chunking_does_not_change_the_result()
    {
        Gen.Select(Payload, Gen.Int[1, 700].Array[1, 40]).Sample((data, cuts) =>
        {
            var want = PieceCommitment.Compute(data);
            using var h = new CommPHasher(1);
            int pos = 0, i = 0;
            while (pos < data.Length)
            {
                int n = Math.Min(cuts[i++ % cuts.Length], data.Length - pos);
                h.Write(data.AsSpan(pos, n));
                pos += n;
                Assert.Equal(pos, h.BytesWritten);
            }
            Assert.Equal(want, h.Finish());
        }, iter: 300);
    }

    [Fact]
    public void Streaming_equals_one_shot_and_the_reference()
    {
        Payload.Sample(data =>
        {
            var oneShot = PieceCommitment.Compute(data);
            var streamed = PieceCommitment.Compute(new MemoryStream(data));
            Assert.Equal(oneShot.PieceCidV2, streamed.PieceCidV2);
            Assert.Equal(oneShot.PieceCidV1, streamed.PieceCidV1);
            Assert.Equal(CommPReference.CommP(data), oneShot.CommP);
            // v2 carries everything: decoding gives the same sizes back
            var back = PieceCommitment.FromPieceCid(oneShot.PieceCidV2);
            Assert.Equal(oneShot.PayloadSize, back.PayloadSize);
            Assert.Equal(oneShot.PaddedSize, back.PaddedSize);
            Assert.Equal(oneShot.Padding, back.Padding);
            Assert.Equal(oneShot.PieceCidV1, back.PieceCidV1);
        }, iter: 100);
    }

    [Fact]
    public void All_sha_paths_agree()
    {
        var backends = new List<CommPHashBackend> { CommPHashBackend.Managed };
        if (NodeHasher.Native is not null) backends.Add(CommPHashBackend.Native);
        if (NodeHasher.Avx512 is not null) backends.Add(CommPHashBackend.Avx512);
        if (NodeHasher.Avx2 is not null) backends.Add(CommPHashBackend.Avx2);
        Assert.True(backends.Count > 1 || !OperatingSystem.IsLinux(), "expected a fast path on Linux");
        Gen.Byte.Array[0, 40_000].Sample(data =>
        {
            byte[]? first = null;
            foreach (var b in backends)
            {
                using var h = new CommPHasher(1, b);
                h.Write(data);
                var c = h.Finish().CommP;
                first ??= c;
                Assert.Equal(first, c);
            }
        }, iter: 60);
    }

    [Fact]
    public void Parallel_chunks_equal_sequential_for_multi_chunk_streams()
    {
        Gen.Select(Gen.Int[CommPHasher.ChunkPayload - 300, 3 * CommPHasher.ChunkPayload + 300], Gen.Int[1, 1 << 20], Gen.UInt).Sample((n, cut, seed) =>
        {
            var data = new byte[n];
            new Random((int)seed).NextBytes(data);
            using var seq = new CommPHasher(1, CommPHashBackend.Auto);
            seq.Write(data);
            using var par = new CommPHasher(3, CommPHashBackend.Auto);
            for (int p = 0; p < n; p += cut) par.Write(data.AsSpan(p, Math.Min(cut, n - p)));
            Assert.Equal(seq.Finish().PieceCidV2, par.Finish().PieceCidV2);
        }, iter: 8);
    }
}
