using FilFil.Core.Ipld;
using FilFil.Core.Store;
using Xunit;

namespace FilFil.Core.Tests.Store;

public class RefDagTests
{
    private static uint Refs(RefDag d, Cid c) { long a = d.Store.Find(c.Bytes); return a < 0 ? 0 : d.Store.GetRefs(a); }

    private static Dictionary<string, (long, uint)> Snapshot(BlockStore s) =>
        s.Addresses().ToDictionary(a => Cid.FromBytes(s.GetCid(a)).ToString(), a => ((long)s.GetData(a).Length, s.GetRefs(a)));

    [Fact]
    public async Task LinkCountsEdgesAndUnlinkFreesAtZero()
    {
        var t = new TestDag();
        var leaf = t.Raw("code");
        var shared = t.Node("shared", leaf, leaf);
        var a = t.Node("a", shared);
        var b = t.Node("b", shared, t.Node("b1"));
        using var store = new BlockStore();
        var dag = new RefDag(store);
        await dag.LinkAsync(a, t);
        Assert.Equal(1u, Refs(dag, a));
        Assert.Equal(1u, Refs(dag, shared));
        Assert.Equal(2u, Refs(dag, leaf)); // duplicate link counted twice
        int before = t.Requests;
        await dag.LinkAsync(b, t);
        Assert.Equal(2u, Refs(dag, shared));
        Assert.Equal(before + 2, t.Requests); // b and b1 only: shared was held and not walked again
        dag.Unlink(a);
        Assert.Equal(-1, store.Find(a.Bytes));
        Assert.Equal(1u, Refs(dag, shared));
        dag.Unlink(b);
        Assert.Equal(0, store.Count);
        Assert.Throws<InvalidOperationException>(() => dag.Unlink(b));
    }

    [Fact]
    public async Task OnlyDirectlyLinkedRootsCanBeUnlinked()
    {
        var t = new TestDag();
        var child = t.Node("c");
        var root = t.Node("r", child);
        using var store = new BlockStore();
        var dag = new RefDag(store);
        await dag.LinkAsync(root, t);
        var e = Assert.Throws<InvalidOperationException>(() => dag.Unlink(child));
        Assert.Contains(child.ToString(), e.Message);
        Assert.Equal(1u, Refs(dag, child));
    }

    [Fact]
    public async Task FailedLinkLeavesTheStoreExactlyAsBefore()
    {
        var t = new TestDag();
        var deep = t.Node("deep");
        var mid = t.Node("mid", deep, t.Raw("x"));
        var held = t.Node("held", t.Node("h1"));
        var root = t.Node("root", held, mid, held);
        using var store = new BlockStore();
        var dag = new RefDag(store);
        await dag.LinkAsync(held, t);
        var before = Snapshot(store);
        t.Missing.Add(deep);
        var e = await Assert.ThrowsAsync<BlockUnavailableException>(() => dag.LinkAsync(root, t));
        Assert.Equal(deep, e.Cid);
        Assert.Equal(before, Snapshot(store));
        Assert.Equal(0, dag.DirectCount(root));
        t.Missing.Clear();
        await dag.LinkAsync(root, t);
        Assert.Equal(3u, Refs(dag, held));
    }

    [Fact]
    public async Task BadBlocksAreRefusedAndRetried()
    {
        var t = new TestDag();
        var c = t.Node("c");
        var root = t.Node("r", c);
        t.Corrupt[c] = 2;
        using var store = new BlockStore();
        var dag = new RefDag(store) { FetchAttempts = 3 };
        await dag.LinkAsync(root, t);
        Assert.Equal(2, dag.BadBlocksRefused);
        Assert.Equal(t.Blocks[c], store.GetCopy(c.Bytes));

        var c2 = t.Node("c2");
        var root2 = t.Node("r2", c2);
        t.Corrupt[c2] = 5;
        var e = await Assert.ThrowsAsync<BlockUnavailableException>(() => dag.LinkAsync(root2, t));
        Assert.Equal(c2, e.Cid);
        Assert.Equal(-1, store.Find(c2.Bytes));
        Assert.Equal(-1, store.Find(root2.Bytes));
    }

    [Fact]
    public async Task A_fetched_block_that_hashes_right_but_is_not_dag_cbor_is_named_as_undecodable_and_rolled_back()
    {
        // its bytes hash to its DAG-CBOR CID, so the hash check passes; the link scan used to fail with a bare
        // FormatException (an offset, no CID), which the follower took for a connection problem
        var t = new TestDag();
        byte[] junk = [0x82, 0x01]; // an array of two items holding one: truncated CBOR
        var bad = Cid.Hash(junk);
        t.Blocks[bad] = junk;
        var root = t.Node("root", t.Node("fine"), bad);
        using var store = new BlockStore();
        var dag = new RefDag(store);
        var e = await Assert.ThrowsAsync<BlockUnavailableException>(() => dag.LinkAsync(root, t));
        Assert.Equal(bad, e.Cid);
        Assert.Equal(BlockProblem.Undecodable, e.Problem);
        Assert.False(e.Corrupt);
        Assert.Contains($"block {bad} is undecodable", e.Message, StringComparison.Ordinal);
        Assert.Contains("do not decode as DAG-CBOR", e.Message, StringComparison.Ordinal);
        Assert.IsType<FilFil.Core.FilFilFormatException>(e.InnerException);
        Assert.Equal(0, store.Count); // the failed link left nothing behind
        Assert.Equal(0, dag.BadBlocksRefused); // not a hash failure
    }

    [Fact]
    public async Task IdentityAndNonBlockCodecLinksAreNotStored()
    {
        var t = new TestDag();
        var sector = Cid.Create(Multicodec.FilCommitmentSealed, Multicodec.Poseidon_Bls12_381_A2_Fc1, new byte[32]);
        var ident = Cid.Create(Multicodec.Raw, Multicodec.Identity, "fil/1/account"u8);
        var inner = t.Node("inner");
        var w = new CborWriter();
        w.WriteArray(1).WriteCid(inner);
        var identCbor = Cid.Create(Multicodec.DagCbor, Multicodec.Identity, w.ToArray()); // looked through
        var root = t.Node("root", sector, ident, identCbor);
        using var store = new BlockStore();
        var dag = new RefDag(store);
        await dag.LinkAsync(root, t);
        Assert.Equal(2, store.Count);
        Assert.Equal(1u, Refs(dag, inner));
        dag.Unlink(root);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task WideFrontiersAreFetchedConcurrently()
    {
        var t = new TestDag();
        var leaves = Enumerable.Range(0, 500).Select(i => t.Node("leaf" + i)).ToArray();
        var root = t.Node("root", leaves);
        using var store = new BlockStore();
        var dag = new RefDag(store) { MaxConcurrentFetches = 16 };
        await dag.LinkAsync(root, t);
        Assert.Equal(501, store.Count);
        Assert.Equal(501, t.Requests);
    }

    [Fact]
    public async Task DeepChainsNeedNoRecursion()
    {
        var t = new TestDag();
        var c = t.Node("bottom");
        for (int i = 0; i < 20000; i++) c = t.Node("n" + i, c);
        using var store = new BlockStore();
        var dag = new RefDag(store);
        await dag.LinkAsync(c, t);
        Assert.Equal(20001, store.Count);
        dag.Unlink(c);
        Assert.Equal(0, store.Count);
    }
}
