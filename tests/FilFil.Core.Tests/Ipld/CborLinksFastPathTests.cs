using FilFil.Core.Car;
using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Core.Tests.Ipld;

/// <summary>
/// The pointer-based link scanner must agree with the checked one on every input: the same links in the same order,
/// and on malformed input the same error after the same links. Real chain blocks, then seeded mutations of them
/// (truncations, byte flips, inserted bytes) that hit the fallback paths.
/// </summary>
public class CborLinksFastPathTests
{
    private sealed class Recorder : ILinkVisitor
    {
        public readonly List<string> Links = new();
        public void Visit(ReadOnlySpan<byte> cid) => Links.Add(Convert.ToHexString(cid));
    }

    private struct Ref : ILinkVisitor
    {
        public Recorder R;
        public void Visit(ReadOnlySpan<byte> cid) => R.Visit(cid);
    }

    private static (List<string> Links, string? Error) Run(byte[] block, bool fast)
    {
        var v = new Ref { R = new Recorder() };
        try
        {
            if (fast) CborLinks.Scan(block, ref v, 1000);
            else CborLinks.ScanChecked(block, ref v, 1000);
            return (v.R.Links, null);
        }
        catch (FilFilFormatException e)
        {
            return (v.R.Links, e.Message);
        }
    }

    private static void AssertSame(byte[] block)
    {
        var a = Run(block, fast: true);
        var b = Run(block, fast: false);
        Assert.Equal(b.Error, a.Error);
        Assert.Equal(b.Links, a.Links);
    }

    private static List<byte[]> ChainBlocks()
    {
        var blocks = new List<byte[]>();
        foreach (var path in new[] { Fixtures.Chain4, Fixtures.CalibnetGenesis })
        {
            using var r = CarReader.Open(path);
            while (r.TryRead(out var blk))
                if (blk.Codec == Multicodec.DagCbor) blocks.Add(blk.Data.ToArray());
        }
        return blocks;
    }

    [FixtureFact]
    public void Agrees_on_every_real_block()
    {
        var blocks = ChainBlocks();
        Assert.True(blocks.Count > 1000, $"{blocks.Count} DAG-CBOR blocks");
        int withLinks = 0;
        foreach (var b in blocks)
        {
            AssertSame(b);
            if (Run(b, true).Links.Count > 0) withLinks++;
        }
        Assert.True(withLinks > 100);
    }

    [FixtureFact]
    public void Agrees_on_mutated_blocks()
    {
        var blocks = ChainBlocks().Where(b => b.Length > 2).ToList();
        var rnd = new Random(42);
        int errors = 0;
        for (int n = 0; n < 20_000; n++)
        {
            var b = (byte[])blocks[rnd.Next(blocks.Count)].Clone();
            byte[] m;
            switch (rnd.Next(4))
            {
                case 0: m = b[..rnd.Next(b.Length)]; break;                        // truncated
                case 1: b[rnd.Next(b.Length)] ^= (byte)(1 << rnd.Next(8)); m = b; break; // one bit flipped
                case 2: b[rnd.Next(b.Length)] = (byte)rnd.Next(256); m = b; break;   // one byte replaced
                default:
                    int at = rnd.Next(b.Length);
                    m = [.. b[..at], (byte)rnd.Next(256), .. b[at..]];                  // one byte inserted
                    break;
            }
            AssertSame(m);
            if (Run(m, false).Error is not null) errors++;
        }
        Assert.True(errors > 5_000, $"only {errors} mutations were malformed");
    }

    [Theory]
    [InlineData("d82a582700017100")]                         // Filecoin-shaped CID cut short
    [InlineData("82d82a5827000171a0e40220")]                 // same, inside an array
    [InlineData("d82a4a0001550006666f6f626172")]             // identity CID (actor code shape)
    [InlineData("d82a4a0001550007666f6f626172")]             // identity CID whose digest overruns
    [InlineData("d82a5a0000000500015500")]                   // byte string with a 4-byte length
    [InlineData("c1d82a4a0001550006666f6f626172")]           // another tag around a link
    [InlineData("82d82a4a0001550006666f6f626172a2617801617802")] // a link, then a map with a duplicate key
    [InlineData("82d82a4a0001550006666f6f626172fb7ff8000000000000")] // a link, then NaN
    [InlineData("82d82a4a0001550006666f6f6261721817")]       // a link, then a non-minimal integer
    public void Agrees_on_edge_cases(string hex) => AssertSame(Convert.FromHexString(hex));
}
