using FilFil.Core.Car;
using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Core.Tests.Ipld;

/// <summary>
/// What "strict" means for the DAG-CBOR reader (docs/engine.md, "DAG-CBOR strictness"): the spec's rules that real
/// chain data keeps are enforced by <see cref="CborReader"/> and the link scanner every block passes through; the
/// key order, which the mainnet genesis breaks, is not.
/// </summary>
public class DagCborStrictnessTests
{
    [Theory]
    [InlineData("a2617801617802", "without duplicates")]       // {"x": 1, "x": 2}
    [InlineData("81a3617801617902617803", "without duplicates")] // nested, the duplicate third
    [InlineData("a10102", "text string map key")]               // {1: 2}
    [InlineData("a2617801410002", "text string map key")]       // {"x": 1, h'00': 2}
    [InlineData("fb7ff8000000000000", "NaN")]
    [InlineData("fb7ff0000000000000", "an infinity")]           // +Infinity
    [InlineData("fbfff0000000000000", "an infinity")]           // -Infinity
    [InlineData("f97e00", "16-bit float")]                      // half-precision NaN
    [InlineData("fa3fc00000", "32-bit float")]                  // 1.5 as a single
    [InlineData("f7", "undefined")]
    [InlineData("f0", "simple value 16")]
    [InlineData("f820", "one-byte simple value")]
    [InlineData("1817", "shortest form")]                       // 23 in one extra byte
    [InlineData("190017", "shortest form")]
    [InlineData("1a000000ff", "shortest form")]
    [InlineData("1b00000000ffffffff", "shortest form")]
    [InlineData("5800", "shortest form")]                       // empty byte string, length in one byte
    [InlineData("9800", "shortest form")]                       // empty array, length in one byte
    [InlineData("c11a5f000000", "only tag in DAG-CBOR")]        // tag 1 (epoch time)
    public void Scanner_rejects_what_dag_cbor_forbids(string hex, string expect)
    {
        var block = Convert.FromHexString(hex);
        var e = Assert.Throws<FilFilFormatException>(() => CborLinks.Collect(block));
        Assert.Contains(expect, e.Message);
        var v = new NoLinks();
        var c = Assert.Throws<FilFilFormatException>(() => CborLinks.ScanChecked(block, ref v, 0));
        Assert.Equal(c.Message, e.Message); // the fast scanner hands these to the checked one
    }

    [Theory]
    [InlineData("fb3ff8000000000000")]         // 1.5 as a 64-bit float
    [InlineData("fb8000000000000000")]         // -0.0
    [InlineData("a2617901617802")]             // {"y": 1, "x": 2}: keys out of order (as in the mainnet genesis)
    [InlineData("a262616101617802")]           // {"aa": 1, "x": 2}: longer key first
    [InlineData("83f4f5f6")]                   // [false, true, null]
    [InlineData("1818")]                       // 24, the smallest one-byte argument
    [InlineData("1b0000000100000000")]         // 2^32, the smallest eight-byte argument
    public void Scanner_accepts_what_dag_cbor_allows_and_the_chain_uses(string hex) =>
        Assert.Empty(CborLinks.Collect(Convert.FromHexString(hex)));

    [Fact]
    public void Duplicate_key_error_names_the_offset_of_the_second_key()
    {
        // [0, {"a": 1, "b": 2, "a": 3}]: the second "a" is at offset 9
        var block = Convert.FromHexString("8200a3616101616202616103");
        var v = new NoLinks();
        var e = Assert.Throws<FilFilFormatException>(() => CborLinks.ScanChecked(block, ref v, 1000));
        Assert.Equal(1009, e.Offset);
        Assert.Contains("the key \"a\" a second time", e.Message);
    }

    [Fact]
    public void Reader_refuses_nan_and_non_minimal_headers_in_typed_decoding()
    {
        Assert.Throws<FilFilFormatException>(() => new CborReader(Convert.FromHexString("1817")).ReadUInt64());
        Assert.Throws<FilFilFormatException>(() => new CborReader(Convert.FromHexString("fb7ff8000000000000")).ReadHeader(out _));
        Assert.Equal(23UL, new CborReader(Convert.FromHexString("17")).ReadUInt64());
    }

    [FixtureFact]
    public void Every_real_dag_cbor_block_of_the_fixtures_is_strict()
    {
        int blocks = 0;
        foreach (var path in new[] { Fixtures.MainnetGenesis, Fixtures.CalibnetGenesis, Fixtures.Chain4 })
        {
            using var r = CarReader.Open(path);
            while (r.TryRead(out var blk))
            {
                if (blk.Codec != Multicodec.DagCbor) continue;
                var data = blk.Data.ToArray();
                var v = new NoLinks();
                CborLinks.ScanChecked(data, ref v, 0); // throws on anything not strict
                CborLinks.Collect(data);
                blocks++;
            }
        }
        Assert.Equal(3631, blocks);
    }

    private struct NoLinks : ILinkVisitor
    {
        public readonly void Visit(ReadOnlySpan<byte> cid) { }
    }
}
