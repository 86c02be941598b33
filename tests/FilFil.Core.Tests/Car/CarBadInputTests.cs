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
