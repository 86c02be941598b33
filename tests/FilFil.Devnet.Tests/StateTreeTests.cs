using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Devnet.Tests;

public class StateTreeTests
{
    private sealed class MapSink : IBlockSink
    {
        public Dictionary<Cid, byte[]> Blocks { get; } = new();
        public void Put(Cid cid, byte[] data) => Blocks[cid] = data;
    }

    [Theory]
    [InlineData(40, 1)]     // churn only
    [InlineData(40, 3000)]  // growth that adds a tree level (1000 leaves -> 4000)
    public void RevertRestoresTheExactTreeSoReapplyingGivesTheSameRoots(int churn, int growth)
    {
        var o = new DevnetOptions { Seed = 4, StateBlocks = 1000, AverageBlockSize = 64, ChurnPerEpoch = churn, GrowthPerEpoch = growth };
        var sink = new MapSink();
        var genesis = Cid.Hash("genesis state stand-in"u8.ToArray());
        var t = new StateTree(o, genesis, sink);
        var r0 = t.Root;
        int levels0 = t.Levels;
        var u1 = t.Apply(1, 0, sink); var r1 = t.Root;
        var u2 = t.Apply(2, 0, sink); var r2 = t.Root;
        Assert.NotEqual(r0, r1);
        Assert.NotEqual(r1, r2);
        if (growth > 1000) Assert.True(t.Levels > levels0);
        t.Revert(u2);
        Assert.Equal(r1, t.Root);
        t.Revert(u1);
        Assert.Equal(r0, t.Root);
        Assert.Equal(levels0, t.Levels);
        // the restored tree must be the real one, not just the root pointer: re-applying reproduces every root
        t.Apply(1, 0, sink);
        Assert.Equal(r1, t.Root);
        t.Apply(2, 0, sink);
        Assert.Equal(r2, t.Root);
        // and a different fork at height 2 diverges
        var u2b = t.Apply(3, 1, sink);
        Assert.NotEqual(r2, t.Root);
        t.Revert(u2b);
        Assert.Equal(r2, t.Root);
        // every link of the final state resolves in the sink (apart from the genesis stand-in)
        var stack = new Stack<Cid>(new[] { t.Root });
        var seen = new HashSet<Cid>();
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            if (!seen.Add(c) || c == genesis || c.IsIdentity) continue;
            Assert.True(sink.Blocks.TryGetValue(c, out var d), $"missing {c}");
            foreach (var l in CborLinks.Collect(d)) stack.Push(l);
        }
        Assert.True(seen.Count > 1000);
    }
}
