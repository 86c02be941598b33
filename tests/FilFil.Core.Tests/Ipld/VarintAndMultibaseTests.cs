using FilFil.Core.Encoding;
using Xunit;

namespace FilFil.Core.Tests.Ipld;

public class VarintAndMultibaseTests
{
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(1UL, "01")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "8001")]
    [InlineData(300UL, "ac02")]
    [InlineData(0xf101UL, "81e203")]
    [InlineData(0xb220UL, "a0e402")]
    [InlineData((1UL << 63) - 1, "ffffffffffffffff7f")]
    public void Varint_encodes_as_multiformats(ulong v, string hex)
    {
        Assert.Equal(hex, Convert.ToHexString(Varint.Encode(v)).ToLowerInvariant());
        int pos = 0;
        Assert.Equal(v, Varint.Read(Convert.FromHexString(hex), ref pos));
        Assert.Equal(hex.Length / 2, pos);
    }

    [Theory]
    [InlineData("", "end of input")]
    [InlineData("80", "end of input")]
    [InlineData("ff80", "end of input")]
    [InlineData("8000", "trailing zero")]
    [InlineData("ffffffffffffffffff01", "longer")]
    public void Varint_rejects_bad_input_with_offset(string hex, string found)
    {
        int pos = 0;
        var e = Assert.Throws<FilFilFormatException>(() => Varint.Read(Convert.FromHexString(hex), ref pos, 100));
        Assert.Contains(found, e.Message);
        Assert.True(e.Offset >= 100);
    }

    [Fact]
    public void Base32_and_base58_round_trip_known_vectors()
    {
        // RFC 4648 test vectors (lower case, no padding).
        Assert.Equal("mzxw6ytboi", Multibase.Base32Lower("foobar"u8));
        Assert.Equal("foobar"u8.ToArray(), Multibase.DecodeBase32("mzxw6ytboi"));
        // base58btc: "Hello World!" (IETF draft-msporny-base58)
        Assert.Equal("2NEpo7TZRRrLZSi2U", Multibase.Base58Btc("Hello World!"u8));
        Assert.Equal("Hello World!"u8.ToArray(), Multibase.DecodeBase58("2NEpo7TZRRrLZSi2U"));
        Assert.Equal("11", Multibase.Base58Btc(new byte[] { 0, 0 }));
        var rnd = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var b = new byte[rnd.Next(0, 70)];
            rnd.NextBytes(b);
            if (b.Length > 0 && rnd.Next(3) == 0) b[0] = 0;
            Assert.Equal(b, Multibase.DecodeBase58(Multibase.Base58Btc(b)));
            Assert.Equal(b, Multibase.DecodeBase32(Multibase.Base32Lower(b)));
        }
    }

    [Fact]
    public void Multibase_errors_name_the_offset()
    {
        var e = Assert.Throws<FilFilFormatException>(() => Multibase.Decode("bafy!x"));
        Assert.Equal(4, e.Offset);
        Assert.Throws<FilFilFormatException>(() => Multibase.Decode("zx0"));
        Assert.Throws<FilFilFormatException>(() => Multibase.Decode("qabc"));
        Assert.Throws<FilFilFormatException>(() => Multibase.Decode(""));
    }
}
