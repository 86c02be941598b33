using FilFil.Core.Car;
using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Core.Tests.Car;

public class CarBadInputTests
{
    private static byte[] SmallCar()
    {
        var a = "block a"u8.ToArray();
        var b = "block b, a bit longer"u8.ToArray();
        var ca = Cid.Hash(a, Multicodec.Raw);
        var cb = Cid.Hash(b, Multicodec.Raw);
        var ms = new MemoryStream();
        using (var w = new CarWriter(ms, new[] { ca }, leaveOpen: true))
        {
            w.Write(ca, a);
            w.Write(cb, b);
        }
        return ms.ToArray();
    }

    private static List<(Cid, byte[])> ReadBytes(byte[] car)
    {
        using var r = new CarReader(new MemoryStream(car));
        return r.ReadAll().ToList();
    }

    [Fact]
    public void Every_truncation_inside_a_section_or_header_is_an_error_naming_an_offset()
    {
        var car = SmallCar();
        // Section boundaries: a CARv1 cut exactly there is a valid shorter CAR.
        var boundaries = new HashSet<int>();
        using (var r = new CarReader(new MemoryStream(car)))
        {
            boundaries.Add((int)r.Position);
            while (r.TryRead(out _)) boundaries.Add((int)r.Position);
        }
        for (int cut = 0; cut < car.Length; cut++)
        {
            var part = car[..cut];
            if (boundaries.Contains(cut))
            {
                Assert.True(ReadBytes(part).Count < 2);
                continue;
            }
            var e = Assert.Throws<FilFilFormatException>(() => ReadBytes(part));
            Assert.InRange(e.Offset, 0, cut);
            Assert.Contains("expected", e.Message);
        }
    }

    [Fact]
    public void Corrupt_block_bytes_fail_hash_verification()
    {
        var car = SmallCar();
        car[^1] ^= 0x01;
        using var r = new CarReader(new MemoryStream(car));
        Assert.True(r.TryRead(out var b1));
        Assert.True(b1.VerifyHash());
        Assert.True(r.TryRead(out var b2));
        Assert.False(b2.VerifyHash());
    }

    [Theory]
    [InlineData("00", "header length")]
    [InlineData("0aa16776657273696f6e01", "roots")]
    [InlineData("0aa16776657273696f6e03", "version 1")]
    [InlineData("03a16476", "text string payload")]
    [InlineData("02ff00", "definite-length")]
    public void Bad_headers_are_rejected(string hex, string expect)
    {
        var e = Assert.Throws<FilFilFormatException>(() => ReadBytes(Convert.FromHexString(hex)));
        Assert.Contains(expect, e.Message);
    }

    [Fact]
    public void Bad_section_cid_is_rejected()
    {
        var car = SmallCar();
        int hdrLen = car[0] + 1;
        car[hdrLen + 1] = 0x05; // CID version 5
        var e = Assert.Throws<FilFilFormatException>(() => ReadBytes(car));
        Assert.Equal(hdrLen + 1, e.Offset);
        Assert.Contains("CID version 1", e.Message);
    }

    [Fact]
    public void Random_garbage_never_crashes_or_hangs()
    {
        var rnd = new Random(42);
        var car = SmallCar();
        for (int i = 0; i < 3000; i++)
        {
            var m = (byte[])car.Clone();
            for (int k = 0; k < 1 + rnd.Next(4); k++) m[rnd.Next(m.Length)] = (byte)rnd.Next(256);
            try { ReadBytes(m); }
            catch (FilFilFormatException) { }
        }
    }
}

public class TruncatedZstdTests
{
    [FixtureTheory]
    [InlineData(100)]
    [InlineData(160_000)]
    [InlineData(320_000)]
    public void A_truncated_car_zst_names_the_decompressed_and_compressed_offsets(int keep)
    {
        var bytes = File.ReadAllBytes(Fixtures.MainnetGenesis)[..keep];
        var e = Assert.Throws<FilFilFormatException>(() =>
        {
            using var r = new CarReader(new MemoryStream(bytes));
            foreach (var _ in r.ReadAll()) { }
        });
        Assert.Contains("the rest of the zstd frame", e.Message);
        Assert.Contains($"compressed offset {keep}", e.Message);
        Assert.True(keep < 1000 || e.Offset > 0, e.Message); // the decompressed offset reached
        Assert.IsType<EndOfStreamException>(e.InnerException);
    }
}

public class CarRoundTripTests
{
    [Fact]
    public void Zstd_output_round_trips_and_verifies()
    {
        var dir = Directory.CreateTempSubdirectory("filfil-car-");
        try
        {
            var path = Path.Combine(dir.FullName, "x.car.zst");
            var blocks = Enumerable.Range(0, 500).Select(i => System.Text.Encoding.UTF8.GetBytes($"block {i} " + new string('x', i))).ToList();
            var cids = blocks.Select(b => Cid.Hash(b, Multicodec.Raw)).ToList();
            using (var w = CarWriter.Create(path, new[] { cids[0] }, zstdLevel: 3))
                for (int i = 0; i < blocks.Count; i++) w.Write(cids[i], blocks[i]);
            var raw = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x28, 0xB5, 0x2F, 0xFD }, raw[..4]);
            using var r = CarReader.Open(path, verifyHashes: true);
            Assert.True(r.Compressed);
            Assert.Equal(cids[0], Assert.Single(r.Roots));
            var back = r.ReadAll().ToList();
            Assert.Equal(cids, back.Select(x => x.Cid));
            Assert.Equal(blocks, back.Select(x => x.Data));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Verifying_reader_rejects_a_corrupt_block_naming_its_offset()
    {
        var data = "abc"u8.ToArray();
        var cid = Cid.Hash(data);
        var ms = new MemoryStream();
        using (var w = new CarWriter(ms, new[] { cid }, leaveOpen: true)) w.Write(cid, data);
        var car = ms.ToArray();
        car[^1] = (byte)'d';
        using var r = new CarReader(new MemoryStream(car)) { VerifyHashes = true };
        var e = Assert.Throws<FilFilFormatException>(() => r.TryRead(out _));
        Assert.Contains("hash mismatch", e.Message);
        Assert.Equal(car.Length - 1 - 3 - cid.Bytes.Length, e.Offset);
    }

    [Fact]
    public void Carv2_container_is_read_through_to_its_payload()
    {
        var data = "v2 payload"u8.ToArray();
        var cid = Cid.Hash(data, Multicodec.Raw);
        var inner = new MemoryStream();
        using (var w = new CarWriter(inner, new[] { cid }, leaveOpen: true)) w.Write(cid, data);
        var v1 = inner.ToArray();
        var v2 = new MemoryStream();
        v2.Write(new byte[] { 0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02 });
        var hdr = new byte[40];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(hdr.AsSpan(16), 51 + 7);   // data offset (7 padding bytes)
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(hdr.AsSpan(24), (ulong)v1.Length);
        v2.Write(hdr);
        v2.Write(new byte[7]);
        v2.Write(v1);
        v2.Write(new byte[] { 1, 2, 3, 4, 5 }); // an index would follow; not part of the payload
        using var r = new CarReader(new MemoryStream(v2.ToArray()));
        Assert.Equal(2, r.ContainerVersion);
        var all = r.ReadAll().ToList();
        Assert.Equal(cid, Assert.Single(all).Cid);
    }

    [Fact]
    public void Snapshot_metadata_v2_round_trips_in_cbor_gen_key_order()
    {
        var head = new[] { Cid.Hash("h1"u8), Cid.Hash("h2"u8) };
        var m = new SnapshotMetadata(head, null);
        var enc = m.Encode();
        // map(3) "F3Data" null "Version" 2 "HeadTipsetKey" [..]
        Assert.Equal("a36646334461746", Convert.ToHexString(enc)[..15].ToLowerInvariant());
        var back = SnapshotMetadata.TryDecode(enc)!;
        Assert.Equal(head, back.HeadTipsetKey);
        Assert.Null(back.F3Data);
        var withF3 = new SnapshotMetadata(head, Cid.Hash("f3"u8, Multicodec.Raw));
        Assert.Equal(withF3.F3Data, SnapshotMetadata.TryDecode(withF3.Encode())!.F3Data);
        Assert.Null(SnapshotMetadata.TryDecode(new byte[] { 0x80 }));
    }
}

public class CarV2ContainerTests
{
    private static readonly byte[] Pragma = [0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02];

    private static byte[] V1()
    {
        var a = "block a"u8.ToArray();
        var ca = Cid.Hash(a, Multicodec.Raw);
        var ms = new MemoryStream();
        using (var w = new CarWriter(ms, new[] { ca }, leaveOpen: true)) w.Write(ca, a);
        return ms.ToArray();
    }

    /// <summary>A CARv2 container (pragma, 40-byte header, payload at 51, no index) around <paramref name="payload"/>.</summary>
    private static byte[] Wrap(byte[] payload, ulong? dataSize = null)
    {
        var v2 = new byte[Pragma.Length + 40 + payload.Length];
        Pragma.CopyTo(v2, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(v2.AsSpan(Pragma.Length + 16), 51);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(v2.AsSpan(Pragma.Length + 24), dataSize ?? (ulong)payload.Length);
        payload.CopyTo(v2, 51);
        return v2;
    }

    private static int Count(byte[] car)
    {
        using var r = new CarReader(new MemoryStream(car));
        return r.ReadAll().Count();
    }

    [Fact]
    public void A_container_around_a_CARv1_reads()
    {
        Assert.Equal(1, Count(Wrap(V1())));
    }

    [Fact]
    public void A_container_around_a_container_is_refused_as_go_car_does()
    {
        // go-car: "invalid data payload header version; expected 1, got 2"
        var e = Assert.Throws<FilFilFormatException>(() => Count(Wrap(Wrap(V1()))));
        Assert.Equal("CARv2 payload header", e.What);
        Assert.Equal("version 1", e.Expected);
        Assert.Equal("2", e.Found);
    }

    [Fact]
    public void Twenty_thousand_nested_containers_are_one_error_not_a_stack_overflow()
    {
        // under 1 MB of input; before, each level recursed into the header reader and the host died (exit 134)
        var car = V1();
        for (int i = 0; i < 20_000; i++) car = Wrap(car);
        Assert.True(car.Length < 1_100_000, $"{car.Length} bytes");
        var e = Assert.Throws<FilFilFormatException>(() => Count(car));
        Assert.Equal("CARv2 payload header", e.What);
    }

    [Fact]
    public void A_data_size_past_the_end_of_the_file_is_an_error_naming_the_offset()
    {
        var v1 = V1();
        var e = Assert.Throws<FilFilFormatException>(() => Count(Wrap(v1, dataSize: (ulong)v1.Length + 100)));
        Assert.Equal("CARv2", e.What);
        Assert.Equal(v1.Length, e.Offset);
    }
}
