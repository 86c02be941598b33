using FilFil.Core.Encoding;
using FilFil.Core.Ipld;
using FilFil.Core.Piece;
using Xunit;

namespace FilFil.Core.Tests.Piece;

/// <summary>Decoding, padding, limits and the stream adapters.</summary>
public class ApiTests
{
    private const string EmptyV2 = "bafkzcibcp4bdomn3tgwgrh3g532zopskstnbrd2n3sxfqbze7rxt7vqn7veigmy";
    private const string DV2 = "bafkzcibcaaces3nobte6ezpp4wqan2age2s5yxcatzotcvobhgcmv5wi2xh5mbi";

    private static Cid V2(ulong padding, int height, byte[]? root = null) =>
        Cid.Create(Multicodec.Raw, Multicodec.Fr32Sha256Trunc254PadBinTree, Digest(padding, height, root));

    private static byte[] Digest(ulong padding, int height, byte[]? root = null)
    {
        var d = new List<byte>(Varint.Encode(padding)) { (byte)height };
        d.AddRange(root ?? PieceCommitment.ZeroCommitment(height));
        return d.ToArray();
    }

    [Fact]
    public void FromPieceCid_decodes_sizes()
    {
        var info = PieceCommitment.FromPieceCid(Cid.Parse(DV2));
        Assert.Equal(508UL, info.PayloadSize);
        Assert.Equal(512UL, info.PaddedSize);
        Assert.Equal(4, info.Height);
        Assert.Equal(0UL, info.Padding);
        Assert.Equal("baga6ea4seaqes3nobte6ezpp4wqan2age2s5yxcatzotcvobhgcmv5wi2xh5mbi", info.PieceCidV1.ToString());
        Assert.Equal(DV2, info.PieceCidV2.ToString());

        var empty = PieceCommitment.FromPieceCid(Cid.Parse(EmptyV2));
        Assert.Equal(0UL, empty.PayloadSize);
        Assert.Equal(127UL, empty.Padding);
    }

    [Fact]
    public void FromPieceCid_rejects_padding_of_half_the_tree_or_more()
    {
        // height 4: 512-byte piece, 508 payload bytes capacity, half = 254
        Assert.Equal(508UL - 253, PieceCommitment.FromPieceCid(V2(253, 4)).PayloadSize);
        var e = Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(V2(254, 4)));
        Assert.Contains("254", e.Message);
        // height 2 carries payloads under 127 bytes (FRC-0069), but not more padding than the tree holds
        Assert.Equal(0UL, PieceCommitment.FromPieceCid(V2(127, 2)).PayloadSize);
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(V2(128, 2)));
    }

    [Fact]
    public void FromPieceCid_rejects_malformed_cids()
    {
        // wrong codec / multihash
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(Cid.Parse("baga6ea4seaqes3nobte6ezpp4wqan2age2s5yxcatzotcvobhgcmv5wi2xh5mbi")));
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(Cid.Hash("x"u8)));
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(
            Cid.Create(Multicodec.DagCbor, Multicodec.Fr32Sha256Trunc254PadBinTree, Digest(0, 4))));
        // digest too short / too long
        var d = Digest(0, 4);
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(Cid.Create(Multicodec.Raw, Multicodec.Fr32Sha256Trunc254PadBinTree, d.AsSpan(0, 33))));
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(Cid.Create(Multicodec.Raw, Multicodec.Fr32Sha256Trunc254PadBinTree, [.. d, 0])));
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(Cid.Create(Multicodec.Raw, Multicodec.Fr32Sha256Trunc254PadBinTree, [])));
        // heights outside 2..58
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(V2(0, 1, new byte[32])));
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(V2(0, 59, new byte[32])));
        Assert.Equal(58, PieceCommitment.FromPieceCid(V2(0, 58)).Height);
        // a root that no trunc254 tree can produce
        var bad = new byte[32];
        bad[31] = 0x40;
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.FromPieceCid(V2(0, 4, bad)));
        Assert.Throws<ArgumentException>(() => PieceCommitment.FromPieceCid(default));
    }

    [Fact]
    public void PadPieceCid_folds_with_zero_comms_and_checks_sizes()
    {
        var d = new byte[508];
        for (int i = 0; i < 4; i++) d.AsSpan(i * 127, 127).Fill((byte)i);
        var small = PieceCommitment.Compute(d);
        var padded = PieceCommitment.PadPieceCid(small.PieceCidV1, 512, 1024);
        // D followed by 508 zero bytes is that same 1024-byte piece
        Assert.Equal(PieceCommitment.Compute([.. d, .. new byte[508]]).PieceCidV1, padded);
        Assert.Equal(small.PieceCidV1, PieceCommitment.PadPieceCid(small.PieceCidV1, 512, 512));
        Assert.Throws<ArgumentOutOfRangeException>(() => PieceCommitment.PadPieceCid(small.PieceCidV1, 512, 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => PieceCommitment.PadPieceCid(small.PieceCidV1, 500, 1024));
        Assert.Throws<ArgumentOutOfRangeException>(() => PieceCommitment.PadPieceCid(small.PieceCidV1, 512, 128UL << 30));
        Assert.Throws<FilFilFormatException>(() => PieceCommitment.PadPieceCid(small.PieceCidV2, 512, 1024));
    }

    [Fact]
    public void ToPieceCidV1_checks_the_commitment()
    {
        Assert.StartsWith("baga6ea4seaq", PieceCommitment.ToPieceCidV1(new byte[32]).ToString());
        Assert.Equal(39, PieceCommitment.ToPieceCidV1(new byte[32]).Bytes.Length);
        Assert.Throws<ArgumentException>(() => PieceCommitment.ToPieceCidV1(new byte[31]));
        var top = new byte[32];
        top[31] = 0x80;
        Assert.Throws<ArgumentException>(() => PieceCommitment.ToPieceCidV1(top));
        Assert.Throws<ArgumentOutOfRangeException>(() => PieceCommitment.ZeroCommitment(59));
        Assert.Throws<ArgumentOutOfRangeException>(() => PieceCommitment.ZeroCommitment(-1));
    }

    [Fact]
    public void Writes_past_64_GiB_are_rejected()
    {
        using var h = new CommPHasher(1);
        h.Write(new byte[10]);
        // pretend 64 GiB x 127/128 - 5 bytes were written (hashing that much is not a unit test)
        typeof(CommPHasher).GetField("_written", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .SetValue(h, (long)CommPHasher.MaxPayloadSize - 5);
        h.Write(new byte[5]); // exactly the maximum is fine
        var e = Assert.Throws<InvalidOperationException>(() => h.Write(new byte[1]));
        Assert.Contains("68182605824", e.Message);
        Assert.Equal(68182605824UL, CommPHasher.MaxPayloadSize);
    }

    [Fact]
    public void Finish_once_and_no_writes_after()
    {
        using var h = new CommPHasher();
        h.Write(new byte[3]);
        h.Finish();
        Assert.Throws<InvalidOperationException>(() => h.Finish());
        Assert.Throws<InvalidOperationException>(() => h.Write(new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommPHasher(-1));
    }

    [Fact]
    public void CommPStream_tees_and_hashes()
    {
        var data = new byte[2 * CommPHasher.ChunkPayload + 999];
        new Random(5).NextBytes(data);
        var inner = new MemoryStream();
        var s = new CommPStream(inner, leaveOpen: true);
        for (int p = 0; p < data.Length; p += 7777) s.Write(data, p, Math.Min(7777, data.Length - p));
        s.WriteByte(42);
        var info = s.Finish();
        s.Dispose();
        Assert.Equal([.. data, 42], inner.ToArray());
        var want = PieceCommitment.Compute([.. data, 42]);
        Assert.Equal(want, info);
        Assert.Equal(want.CommP, info.CommP);
        Assert.Throws<ObjectDisposedException>(() => s.Write(new byte[1]));
        Assert.True(inner.CanWrite); // left open
        Assert.False(s.CanRead);
        Assert.Throws<NotSupportedException>(() => s.Length);
    }

    [Fact]
    public async Task CommPStream_async_writes_and_close_inner()
    {
        var inner = new MemoryStream();
        var s = new CommPStream(inner);
        await s.WriteAsync(new byte[300]);
        var info = s.Finish();
        Assert.Equal(PieceCommitment.Compute(new byte[300]).PieceCidV2, info.PieceCidV2);
        Assert.Throws<InvalidOperationException>(() => s.Write(new byte[1]));
        s.Dispose();
        Assert.False(inner.CanWrite); // closed with the tee
    }

    [Fact]
    public void Compute_stream_reports_progress_and_cancels()
    {
        var data = new byte[3 * CommPHasher.ChunkPayload];
        var seen = new List<long>();
        var info = PieceCommitment.Compute(new MemoryStream(data), new SyncProgress(seen.Add));
        Assert.Equal((ulong)data.Length, info.PayloadSize);
        Assert.Equal(data.Length, seen[^1]);
        Assert.True(seen.Count >= 3);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => PieceCommitment.Compute(new MemoryStream(data), null, cts.Token));
    }

    [Fact]
    public void ComputeFile_matches_memory()
    {
        var path = Path.GetTempFileName();
        try
        {
            var data = new byte[100_003];
            new Random(11).NextBytes(data);
            File.WriteAllBytes(path, data);
            Assert.Equal(PieceCommitment.Compute(data).PieceCidV2, PieceCommitment.ComputeFile(path).PieceCidV2);
        }
        finally { File.Delete(path); }
        Assert.Throws<FileNotFoundException>(() => PieceCommitment.ComputeFile(path));
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

public class PieceInfoTests
{
    [Fact]
    public void Equality_compares_commp_bytes()
    {
        var a = PieceCommitment.Compute(new byte[300]);
        var b = PieceCommitment.Compute(new byte[300]);
        Assert.NotSame(a.CommP, b.CommP);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, PieceCommitment.Compute(new byte[301]));
        var c = (byte[])a.CommP.Clone();
        c[0] ^= 1;
        Assert.NotEqual(a, a with { CommP = c });
        Assert.Equal(a.CommPHex, Convert.ToHexString(a.CommP).ToLowerInvariant());
        Assert.Contains(a.PieceCidV2.ToString(), a.ToString());
    }
}
