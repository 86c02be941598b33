using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;
using FilFil.Core.Store;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

/// <summary>
/// The walk's DAG order against a line-by-line port of Lotus's <c>recurseLinks</c> and emission filter
/// (chain/store/snapshot.go) on random DAGs with heavy sharing: a pool of popular blocks linked from everywhere (as
/// the empty HAMT and AMT roots of thousands of actors are on mainnet), raw leaves, identity links (inline
/// DAG-CBOR and raw, as actor code CIDs are), commitment links that are not blocks, duplicate links, and several
/// roots walked in turn, as the state roots of a snapshot are. The golden files check real data; this checks the
/// shapes they lack.
/// </summary>
public class WalkOrderTests
{
    private const ulong FilCommitmentSealed = 0xf102;

    private static Cid Put(BlockStore store, ulong codec, byte[] data)
    {
        var cid = Cid.Create(codec, Multicodec.Blake2b256, Hashing.Blake2b256(data));
        if (store.Find(cid.Bytes) < 0) store.Insert(cid.Bytes, data, 1);
        return cid;
    }

    private static (BlockStore Store, List<Cid> Roots) RandomDag(int seed, int nodes, int roots)
    {
        var rnd = new Random(seed);
        var store = new BlockStore();
        var cids = new Cid[nodes];
        int popular = Math.Max(4, nodes / 50);
        for (int i = nodes - 1; i >= 0; i--) // node i links only to nodes above it: build from the top down
        {
            if (i >= nodes - popular / 2 && rnd.Next(2) == 0)
            {
                cids[i] = Put(store, Multicodec.Raw, BitConverter.GetBytes(i)); // a raw leaf (never scanned)
                continue;
            }
            var w = new CborWriter();
            int links = i >= nodes - popular ? rnd.Next(0, 2) : rnd.Next(0, 7);
            var items = new List<Action<CborWriter>>();
            for (int k = 0; k < links && i + 1 < nodes; k++)
            {
                int t = rnd.Next(3) switch
                {
                    0 => Math.Max(i + 1, nodes - 1 - rnd.Next(popular)),
                    1 => Math.Min(nodes - 1, i + 1 + rnd.Next(8)),
                    _ => i + 1 + rnd.Next(nodes - i - 1),
                };
                var target = cids[t];
                items.Add(x => x.WriteCid(target));
                if (rnd.Next(10) == 0) items.Add(x => x.WriteCid(target)); // a duplicate link
            }
            switch (rnd.Next(8))
            {
                case 0: // an identity raw link (actor code)
                    items.Add(x => x.WriteCid(Cid.Create(Multicodec.Raw, Multicodec.Identity, "fil/16/account"u8)));
                    break;
                case 1: // a commitment link: not a block
                    items.Add(x => x.WriteCid(Cid.Create(FilCommitmentSealed, 0x1012, new byte[32])));
                    break;
                case 2 when i + 1 < nodes: // an inline DAG-CBOR identity block holding a link
                    {
                        var inner = new CborWriter();
                        inner.WriteArray(1).WriteCid(cids[i + 1 + rnd.Next(nodes - i - 1)]);
                        var id = Cid.Create(Multicodec.DagCbor, Multicodec.Identity, inner.ToArray());
                        items.Add(x => x.WriteCid(id));
                        break;
                    }
            }
            w.WriteArray(items.Count + 1).WriteUInt((ulong)i);
            foreach (var item in items) item(w);
            cids[i] = Put(store, Multicodec.DagCbor, w.ToArray());
        }
        var rootList = new List<Cid>();
        for (int r = 0; r < roots; r++)
        {
            var w = new CborWriter();
            w.WriteArray(17).WriteUInt((ulong)(nodes + r));
            for (int k = 0; k < 16; k++) w.WriteCid(cids[rnd.Next(Math.Max(1, nodes / 5))]);
            rootList.Add(Put(store, Multicodec.DagCbor, w.ToArray()));
        }
        if (roots > 1) rootList.Add(rootList[0]); // a root walked twice
        return (store, rootList);
    }

    /// <summary>Lotus: <c>if walked.Visit(root) { cids = recurseLinks(root, [root]) }</c>, then the seen/identity/codec filter.</summary>
    private static List<string> Reference(BlockStore store, List<Cid> roots)
    {
        var walked = new HashSet<Cid>();
        var seen = new HashSet<Cid>();
        var emitted = new List<string>();
        byte[] Get(Cid c) => c.HashCode == Multicodec.Identity ? c.Bytes[Cid.ReadPrefix(c.Bytes, 0).DigestOffset..].ToArray() : store.GetCopy(c.Bytes)!;
        void RecurseLinks(Cid root, List<Cid> into)
        {
            if (root.Codec != Multicodec.DagCbor) return;
            foreach (var c in CborLinks.Collect(Get(root)))
            {
                if (!walked.Add(c)) continue;
                into.Add(c);
                RecurseLinks(c, into);
            }
        }
        foreach (var root in roots)
        {
            if (!walked.Add(root)) continue;
            var cids = new List<Cid> { root };
            RecurseLinks(root, cids);
            foreach (var c in cids)
            {
                if (!seen.Add(c)) continue;
                if (c.HashCode == Multicodec.Identity) continue;
                if (c.Codec is not (Multicodec.Cbor or Multicodec.DagCbor or Multicodec.Raw)) continue;
                emitted.Add(c.ToString());
            }
        }
        return emitted;
    }

    [Theory]
    [InlineData(1, 3_000, 1)]
    [InlineData(2, 3_000, 5)]
    [InlineData(3, 20_000, 3)]
    [InlineData(4, 400, 40)]
    [InlineData(5, 60_000, 2)]
    public void Random_shared_dags_walk_in_lotus_order(int seed, int nodes, int roots)
    {
        var (store, rootList) = RandomDag(seed, nodes, roots);
        using (store)
        {
            var expected = Reference(store, rootList);
            Assert.True(expected.Count > nodes / 20, $"{expected.Count} blocks walked");
            var order = new List<string>();
            using (var w = new LotusWalk(store, _ => true, _ => true, a => order.Add(Cid.FromBytes(store.GetCid(a)).ToString())))
                w.RunDags(rootList);
            Assert.Equal(expected, order);
        }
    }
}
