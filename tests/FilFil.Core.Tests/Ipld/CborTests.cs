using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Core.Tests.Ipld;

public class CborTests
{
    private static readonly Cid A = Cid.Hash("a"u8);
    private static readonly Cid B = Cid.Hash("b"u8, Multicodec.Raw);

    [Fact]
    public void Scanner_finds_links_in_document_order_through_nesting()
    {
        var w = new CborWriter();
        w.WriteArray(3).WriteMap(2).WriteText("x").WriteCid(B).WriteText("y").WriteArray(0)
            .WriteBytes(new byte[40]).WriteArray(2).WriteText("t").WriteCid(A);
        Assert.Equal(new[] { B, A }, CborLinks.Collect(w.ToArray()));
    }

    [Theory]
    [InlineData("83", "entries")]              // array of 3, nothing inside
    [InlineData("8201", "entries")]            // one item missing
    [InlineData("a26178", "entries")]          // map of 2, truncated
    [InlineData("828100", "CBOR item")]        // second item missing after a nested array
    [InlineData("0102", "trailing")]           // two top-level items
    [InlineData("9f", "definite-length")]      // indefinite array
    [InlineData("d82a4100", "complete varint")] // tag 42 with an empty CID after the 0x00 prefix
    [InlineData("d82a4101", "0x00")]            // missing multibase prefix
    [InlineData("d82a01", "byte string after tag 42")]
    [InlineData("5a0001000000", "bytes of string payload")]
    [InlineData("1c", "additional-information")]
    public void Scanner_rejects_malformed_cbor(string hex, string expect)
    {
        var e = Assert.Throws<FilFilFormatException>(() => CborLinks.Collect(Convert.FromHexString(hex)));
        Assert.Contains(expect, e.Message);
    }

    private struct CountingVisitor : ILinkVisitor
    {
        public int Count;
        public int Bytes;
        public void Visit(ReadOnlySpan<byte> cid) { Count++; Bytes += cid.Length; }
    }

    [Fact]
    public void Scanner_allocates_nothing_per_link()
    {
        var w = new CborWriter();
        w.WriteArray(1000);
        for (int i = 0; i < 1000; i++) w.WriteArray(2).WriteCid(i % 2 == 0 ? A : B).WriteUInt((ulong)i);
        var block = w.ToArray();
        var v = new CountingVisitor();
        CborLinks.Scan(block, ref v); // warm up (JIT)
        v = new CountingVisitor();
        long before = GC.GetAllocatedBytesForCurrentThread();
        CborLinks.Scan(block, ref v);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1000, v.Count);
        Assert.Equal(500 * (A.Bytes.Length + B.Bytes.Length), v.Bytes);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Scanner_rejects_excessive_nesting_without_stack_overflow()
    {
        var deep = Enumerable.Repeat((byte)0x81, 10_000).Append((byte)0x00).ToArray();
        var e = Assert.Throws<FilFilFormatException>(() => CborLinks.Collect(deep));
        Assert.Contains("nesting", e.Message);
    }

    [Fact]
    public void Writer_uses_minimal_headers_and_reader_round_trips()
    {
        var w = new CborWriter();
        w.WriteUInt(23).WriteUInt(24).WriteUInt(256).WriteUInt(65536).WriteUInt(1UL << 32).WriteInt(-1).WriteInt(-500);
        Assert.Equal("17" + "1818" + "190100" + "1a00010000" + "1b0000000100000000" + "20" + "3901f3", Convert.ToHexString(w.ToArray()).ToLowerInvariant());
        var r = new CborReader(w.ToArray());
        Assert.Equal(23UL, r.ReadUInt64());
        Assert.Equal(24UL, r.ReadUInt64());
        Assert.Equal(256UL, r.ReadUInt64());
        Assert.Equal(65536UL, r.ReadUInt64());
        Assert.Equal(1UL << 32, r.ReadUInt64());
        Assert.Equal(-1, r.ReadInt64());
        Assert.Equal(-500, r.ReadInt64());
        r.ExpectEnd();
    }

    [Fact]
    public void BigInt_bytes_match_filecoin_encoding()
    {
        Assert.Empty(BigIntBytes.Encode(0));
        Assert.Equal(new byte[] { 0, 0x05, 0xf5, 0xe1, 0x00 }, BigIntBytes.Encode(100_000_000));
        Assert.Equal(new byte[] { 1, 0x01 }, BigIntBytes.Encode(-1));
        Assert.Equal(100_000_000, BigIntBytes.Decode(new byte[] { 0, 0x05, 0xf5, 0xe1, 0x00 }));
        Assert.Throws<FilFilFormatException>(() => BigIntBytes.Decode(new byte[] { 2, 1 }));
    }
}
