using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Core.Tests.Ipld;

public class CidTests
{
    [Fact]
    public void Parses_and_formats_filecoin_cids()
    {
        const string s = "bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2";
        var c = Cid.Parse(s);
        Assert.Equal(1, c.Version);
        Assert.Equal(Multicodec.DagCbor, c.Codec);
        Assert.Equal(Multicodec.Blake2b256, c.HashCode);
        Assert.Equal(32, c.Digest.Length);
        Assert.Equal(s, c.ToString());
        Assert.Equal(c, Cid.Parse(c.ToString('z')));
        Assert.Equal(c, Cid.Parse(c.ToString('f')));
        Assert.Equal(c, Cid.Parse(s.ToUpperInvariant().Replace("BAFY", "Bafy")));
    }

    [Fact]
    public void Parses_cid_v0()
    {
        const string s = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
        var c = Cid.Parse(s);
        Assert.Equal(0, c.Version);
        Assert.Equal(Multicodec.DagPb, c.Codec);
        Assert.Equal(Multicodec.Sha2_256, c.HashCode);
        Assert.Equal(s, c.ToString());
    }

    [Fact]
    public void Hash_makes_the_filecoin_default_cid()
    {
        var c = Cid.Hash("hello"u8);
        Assert.StartsWith("bafy2bzace", c.ToString());
        Assert.True(c.Verify("hello"u8));
        Assert.False(c.Verify("hellp"u8));
        var id = Cid.Hash("fil/1/account"u8, Multicodec.Raw, Multicodec.Identity);
        Assert.True(id.IsIdentity);
        Assert.True(id.Verify("fil/1/account"u8));
    }

    [Theory]
    [InlineData("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdm", "multihash digest")]
    [InlineData("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2aa", "trailing")]
    [InlineData("b", "complete varint")]
    [InlineData("bciqa", "version 1")]
    [InlineData("x123", "multibase prefix")]
    public void Rejects_bad_cids_clearly(string s, string expect)
    {
        var e = Assert.Throws<FilFilFormatException>(() => Cid.Parse(s));
        Assert.Contains(expect, e.Message);
        Assert.False(Cid.TryParse(s, out _));
    }
}
