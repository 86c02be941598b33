using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Devnet.Tests;

public class ChainTests
{
    private static DevnetOptions Opts(int seed = 7) => new()
    {
        Seed = seed, StateBlocks = 600, AverageBlockSize = 256, ChurnPerEpoch = 24, MessagesPerBlock = 20,
        MaxBlocksPerTipSet = 4, NullRoundRate = 0.2, ReorgRate = 0.15, MaxReorgDepth = 3,
    };

    private static byte[] Export(DevnetChain c)
    {
        using var ms = new MemoryStream();
        c.ExportCar(ms, 0, c.Head.Height);
        return ms.ToArray();
    }

    [Fact]
    public void SameSeedGivesTheSameChainByteForByte()
    {
        using var a = new DevnetChain(Opts());
        using var b = new DevnetChain(Opts());
        a.Advance(30); a.Reorg(2); a.Advance(10);
        b.Advance(30); b.Reorg(2); b.Advance(10);
        for (long h = 0; h <= a.Head.Height; h++)
            Assert.Equal(a.GetTipSet(h)?.Cids, b.GetTipSet(h)?.Cids);
        var ca = Export(a);
        Assert.Equal(ca, Export(b));
        using var c = new DevnetChain(Opts(seed: 8));
        c.Advance(30); c.Reorg(2); c.Advance(10);
        Assert.NotEqual(a.Head.Cids, c.Head.Cids);
        Assert.NotEqual(ca, Export(c));
    }

    [Fact]
    public void TipSetsLinkAndAreCanonical()
    {
        using var chain = new DevnetChain(Opts());
        chain.Advance(60);
        int nulls = 0, multi = 0;
        DevnetTipSet parent = chain.Genesis;
        for (long h = 1; h <= chain.Head.Height; h++)
        {
            var ts = chain.GetTipSet(h);
            if (ts is null) { nulls++; continue; }
            Assert.InRange(ts.Blocks.Count, 1, 4);
            if (ts.Blocks.Count > 1) multi++;
            for (int i = 0; i < ts.Blocks.Count; i++)
            {
                var b = ts.Blocks[i];
                Assert.True(chain.TryGetBlock(ts.Cids[i], out var raw));
                Assert.True(ts.Cids[i].Verify(raw.Span));
                Assert.Equal(ts.Cids[i], BlockHeader.Decode(raw.Span).ComputeCid());
                Assert.Equal(parent.Cids, b.Parents);
                Assert.Equal(h, b.Height);
                Assert.Equal(parent.StateAfter, b.ParentStateRoot);
                Assert.Equal(parent.ReceiptsAfter, b.ParentMessageReceipts);
                Assert.Equal(parent.Weight, b.ParentWeight);
                Assert.Equal(chain.Genesis.Blocks[0].Timestamp + (ulong)h * 30, b.Timestamp);
                if (i > 0)
                {
                    int c = Hashing.Blake2b256(ts.Blocks[i - 1].Ticket!.VRFProof).AsSpan().SequenceCompareTo(Hashing.Blake2b256(b.Ticket!.VRFProof));
                    Assert.True(c < 0 || (c == 0 && ts.Cids[i - 1].CompareTo(ts.Cids[i]) < 0), "canonical block order");
                }
            }
            Assert.True(ts.Weight > parent.Weight);
            parent = ts;
        }
        Assert.True(nulls > 0, "expected null rounds at rate 0.2");
        Assert.True(multi > 0, "expected multi-block tipsets");
        Assert.Equal(chain.Head, parent);
    }

    private static HashSet<Cid> Reachable(DevnetChain chain, Cid root, HashSet<Cid>? stopAt = null)
    {
        var seen = new HashSet<Cid>();
        var stack = new Stack<Cid>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            if (!seen.Add(c) || (stopAt?.Contains(c) ?? false)) continue;
            // links to sector commitments (CommR/CommD codecs) are not blocks; Lotus's walk skips them too
            if (c.Codec is not (Multicodec.Cbor or Multicodec.DagCbor or Multicodec.Raw)) continue;
            Assert.True(chain.TryGetBlock(c, out var d), $"missing {c}");
            Assert.True(c.Verify(d.Span), $"bad hash {c}");
            if (c.Codec == Multicodec.DagCbor) foreach (var l in CborLinks.Collect(d.Span)) stack.Push(l);
        }
        return seen;
    }

    private static bool Storable(Cid c) => !c.IsIdentity && c.Codec is Multicodec.Cbor or Multicodec.DagCbor or Multicodec.Raw;

    [Fact]
    public void StateEvolvesWithStructuralSharingAndKeepsGenesisReachable()
    {
        var o = Opts() with { NullRoundRate = 0, ReorgRate = 0, StateBlocks = 2000, ChurnPerEpoch = 40 };
        using var chain = new DevnetChain(o);
        chain.Advance(5);
        var s4 = Reachable(chain, chain.GetTipSet(4)!.StateAfter);
        var s5 = Reachable(chain, chain.GetTipSet(5)!.StateAfter);
        var genesisState = Reachable(chain, chain.Genesis.Blocks[0].ParentStateRoot);
        Assert.Subset(s5, genesisState);
        Assert.True(s5.Count > 2000, $"state has {s5.Count} blocks");
        int fresh = s5.Count(c => !s4.Contains(c));
        Assert.InRange(fresh, 10, 80); // ~ChurnPerEpoch new blocks, everything else shared
        Assert.NotEqual(chain.GetTipSet(4)!.StateAfter, chain.GetTipSet(5)!.StateAfter);
    }

    [Fact]
    public void MessagesAreTxMetaOverAmtV0AndReceiptsMatch()
    {
        var o = Opts() with { NullRoundRate = 0, ReorgRate = 0, MessagesPerBlock = 20 };
        using var chain = new DevnetChain(o);
        chain.Advance(4);
        var ts = chain.GetTipSet(3)!;
        int total = 0;
        foreach (var b in ts.Blocks)
        {
            Assert.True(chain.TryGetBlock(b.Messages, out var meta));
            var r = new CborReader(meta.Span);
            r.ReadArrayHeader(2, "TxMeta");
            var bls = r.ReadCid();
            var secp = r.ReadCid();
            var blsVals = Amt.Read(bls, c => chain.TryGetBlock(c, out var d) ? d.ToArray() : null);
            var secpVals = Amt.Read(secp, c => chain.TryGetBlock(c, out var d) ? d.ToArray() : null);
            Assert.Equal(20, blsVals.Count + secpVals.Count);
            chain.TryGetBlock(bls, out var blsRoot);
            Assert.Equal(1, new CborReader(blsRoot.Span).ReadArrayHeader() == 3 ? (int)blsRoot.Span[1] : -1); // height 1: 10 values > width 8
            foreach (var v in secpVals)
            {
                var c = new CborReader(v).ReadCid();
                chain.TryGetBlock(c, out var sm);
                var (m, sig) = ChainMessage.DecodeSigned(sm.Span);
                Assert.Equal(1, sig.Type);
                Assert.Equal((ulong)3, m.Nonce);
            }
            total += blsVals.Count + secpVals.Count;
        }
        Assert.True(ts.Messages.Count <= total);
        var receipts = Amt.Read(chain.GetTipSet(4)!.Blocks[0].ParentMessageReceipts, c => chain.TryGetBlock(c, out var d) ? d.ToArray() : null);
        Assert.Equal(ts.Messages.Count, receipts.Count);
        Assert.All(receipts, x => Assert.Null(ChainReceipt.Decode(x).EventsRoot));
        Assert.Equal(Amt.EmptyRoot, chain.GetBlock(chain.Genesis.Blocks[0].ParentMessageReceipts));
    }

    [Fact]
    public void ReorgRevertsHeadDownwardThenAppliesLowestFirst()
    {
        var o = Opts() with { ReorgRate = 0, NullRoundRate = 0.2 };
        using var chain = new DevnetChain(o);
        chain.Advance(20);
        var old = new List<DevnetTipSet>();
        for (long h = chain.Head.Height; old.Count < 3; h--) if (chain.GetTipSet(h) is { } t) old.Add(t);
        var oldStateBase = old[^1].Blocks[0].ParentStateRoot;
        var changes = new List<DevnetHeadChange>();
        chain.HeadChanged += changes.Add;
        var oldHead = chain.Head;
        var newHead = chain.Reorg(3);
        var hc = Assert.Single(changes);
        Assert.Equal(old.Select(t => t.Key), hc.Reverts.Select(t => t.Key));
        Assert.Equal(old.Select(t => t.Height).Reverse(), hc.Applies.Select(t => t.Height));
        Assert.All(hc.Applies, a => Assert.DoesNotContain(a.Cids, c => old.Any(t => t.Cids.Contains(c))));
        Assert.True(newHead.Weight > oldHead.Weight);
        Assert.Equal(oldStateBase, hc.Applies[0].Blocks[0].ParentStateRoot); // same parent => same state after it
        Assert.Equal(newHead, chain.Head);
        Assert.Equal(old[^1].Blocks[0].Parents, hc.Applies[0].Blocks[0].Parents);
        // the reverted blocks stay readable, as in a Lotus blockstore
        Assert.True(chain.HasBlock(oldHead.Cids[0]));
        chain.Advance(3);
        Assert.Equal(newHead.Cids, chain.GetTipSet(newHead.Height)!.Cids);
    }

    [Fact]
    public void ExportIsWhatLotusImportNeeds()
    {
        using var chain = new DevnetChain(Opts());
        chain.Advance(25);
        using var ms = new MemoryStream();
        long n = chain.ExportCar(ms, 20, chain.Head.Height);
        ms.Position = 0;
        using var car = new CarReader(ms);
        Assert.Equal(chain.Head.Cids, car.Roots);
        var blocks = car.ReadAll().ToList();
        Assert.Equal(n, blocks.Count);
        Assert.All(blocks, b => Assert.True(b.Cid.Verify(b.Data)));
        Assert.DoesNotContain(blocks, b => b.Cid.IsIdentity);
        Assert.Equal(blocks.Count, blocks.Select(b => b.Cid).Distinct().Count());
        // lotus Store.Import: a linear scan following Parents[0] from roots[0] must reach height 0
        var next = car.Roots[0];
        long lastHeight = long.MaxValue;
        foreach (var (cid, data) in blocks)
        {
            if (cid != next) continue;
            var h = BlockHeader.Decode(data);
            Assert.True(h.Height < lastHeight);
            lastHeight = h.Height;
            if (h.Height == 0) break;
            next = h.Parents[0];
        }
        Assert.Equal(0, lastHeight);
        var have = blocks.Select(b => b.Cid).ToHashSet();
        Assert.Contains(chain.Genesis.Blocks[0].Parents[0], have); // the genesis ticket block
        Assert.Subset(have, Reachable(chain, chain.GetTipSetByHeight(20).Blocks[0].ParentStateRoot).Where(Storable).ToHashSet());
        Assert.DoesNotContain(chain.GetTipSetByHeight(10).Blocks[0].ParentStateRoot, have); // outside the window
    }

    [Fact]
    public void SyntheticCarStreamsTheSameChain()
    {
        var o = Opts() with { ReorgRate = 0 };
        using var chain = new DevnetChain(o);
        chain.Advance(15);
        long h = chain.Head.Height;
        using var ms = new MemoryStream();
        var res = DevnetChain.WriteSyntheticCar(o, ms, h);
        Assert.Equal(chain.Head.Cids, res.Roots);
        ms.Position = 0;
        using var car = new CarReader(ms);
        Assert.Equal(chain.Head.Cids, car.Roots);
        var blocks = car.ReadAll().ToList();
        Assert.Equal(res.Blocks, blocks.Count);
        Assert.Equal(res.Bytes, ms.Length);
        Assert.All(blocks, b => Assert.True(b.Cid.Verify(b.Data)));
        Assert.Equal(blocks.Count, blocks.Select(b => b.Cid).Distinct().Count());
        var have = blocks.Select(b => b.Cid).ToHashSet();
        Assert.Subset(have, Reachable(chain, chain.Head.Blocks[0].ParentStateRoot).Where(Storable).ToHashSet());
        // headers come last, head first
        var tail = blocks.TakeLast((int)res.Headers).Select(b => BlockHeader.Decode(b.Data).Height).ToList();
        Assert.Equal(tail.OrderByDescending(x => x), tail);
        Assert.Equal(0L, tail[^1]);
        using var again = new MemoryStream();
        DevnetChain.WriteSyntheticCar(o, again, h);
        Assert.Equal(ms.ToArray(), again.ToArray());
        Assert.Throws<ArgumentException>(() => DevnetChain.WriteSyntheticCar(o, new NonSeekable(), 3));
    }

    private sealed class NonSeekable : MemoryStream { public override bool CanSeek => false; }

    [Fact]
    public void BadOptionsNameTheValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DevnetChain(new DevnetOptions { MaxBlocksPerTipSet = 0 }));
        Assert.Equal("MaxBlocksPerTipSet", e.ParamName);
        var n = Assert.Throws<ArgumentException>(() => new DevnetChain(new DevnetOptions { Network = "butterfly" }));
        Assert.Contains("butterfly", n.Message);
        using var c = new DevnetChain(new DevnetOptions { StateBlocks = 100 });
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Advance(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Reorg(0));
    }

    [Fact]
    public void CalibnetStartsFromItsGenesis()
    {
        using var c = new DevnetChain(new DevnetOptions { Network = "calibnet", StateBlocks = 100 });
        Assert.Equal("bafy2bzacecyaggy24wol5ruvs6qm73gjibs2l2iyhcqmvi7r7a4ph7zx3yqd4", c.Genesis.Cids[0].ToString());
        Assert.Equal("calibrationnet", c.NetworkName);
        using var m = new DevnetChain(new DevnetOptions { StateBlocks = 100 });
        Assert.Equal("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2", m.Genesis.Cids[0].ToString());
    }
}

public class SnapshotWalkGoldenTests
{
    /// <summary>
    /// forest's chain4.car is exactly Lotus WalkSnapshot output (N = 0, messages kept): the devnet's export walk must
    /// reproduce its block order, block for block.
    /// </summary>
    [FilFil.Core.Tests.FixtureFact]
    public void ReproducesLotusOrderOnARealMainnetExport()
    {
        using var car = FilFil.Core.Car.CarReader.Open(FilFil.Core.Tests.Fixtures.Chain4);
        var blocks = car.ReadAll().ToList();
        var byCid = blocks.ToDictionary(b => b.Cid, b => b.Data);
        var head = FilFil.Core.Chain.BlockHeader.Decode(byCid[car.Roots[0]]);
        var order = new List<Cid>();
        SnapshotWalk.Walk(car.Roots, 0, head.Height + 1, c => byCid.TryGetValue(c, out var d) ? d : null, (c, _) => order.Add(c));
        Assert.Equal(blocks.Select(b => b.Cid), order);
    }
}
