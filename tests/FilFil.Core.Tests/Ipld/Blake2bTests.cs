using FilFil.Core.Ipld;
using Org.BouncyCastle.Crypto.Digests;
using Xunit;

namespace FilFil.Core.Tests.Ipld;

public class Blake2bTests
{
    [Theory]
    [InlineData("", "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")]
    [InlineData("abc", "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319")]
    public void Matches_known_blake2b_256_digests(string input, string hex)
    {
        var d = new byte[32];
        Blake2b.Hash256(System.Text.Encoding.ASCII.GetBytes(input), d);
        Assert.Equal(hex, Convert.ToHexString(d).ToLowerInvariant());
    }

    [Fact]
    public void Agrees_with_bouncycastle_on_every_length_around_block_boundaries()
    {
        var rnd = new Random(11);
        var ours = new byte[32];
        var theirs = new byte[32];
        for (int n = 0; n <= 1100; n++)
        {
            var x = new byte[n];
            rnd.NextBytes(x);
            Blake2b.Hash256(x, ours);
            var bc = new Blake2bDigest(256);
            bc.BlockUpdate(x, 0, x.Length);
            bc.DoFinal(theirs, 0);
            Assert.True(ours.AsSpan().SequenceEqual(theirs), $"length {n}");
        }
    }
}
