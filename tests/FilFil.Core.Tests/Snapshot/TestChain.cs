using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;
using FilFil.Core.Tests.Store;

namespace FilFil.Core.Tests.Snapshot;

/// <summary>
/// A synthetic chain for engine tests: every tipset has 1-2 blocks, a state DAG sharing most nodes with the one
/// before (a persistent "actors" list plus a new node), a messages DAG, and headers that hash like Lotus's.
/// </summary>
internal sealed class TestChain
{
    public TestDag Source { get; } = new();
    public TipSet Genesis { get; }
    private readonly Cid[] _actors = new Cid[8];
    private int _salt;

    public TestChain()
    {
        var w = new CborWriter();
        w.WriteMap(1).WriteText("Ticket").WriteText("Filecoin genesis");
        var ticket = Cid.Hash(w.ToArray(), Multicodec.DagCbor, Multicodec.Sha2_256);
        Source.Blocks[ticket] = w.ToArray();
        for (int i = 0; i < _actors.Length; i++) _actors[i] = Source.Node("actor0-" + i, Source.Raw("code" + (i % 3)));
        var state = Source.Node("state0", _actors);
        var msgs = Source.Node("msgs0", Source.Node("amt-empty"));
        var gen = Header(new[] { ticket }, 0, state, msgs, 0);
        Genesis = TipSet.FromHeaders(new[] { gen });
        foreach (var (c, raw) in Genesis.Cids.Zip(Genesis.RawHeaders)) Source.Blocks[c] = raw;
    }

    private BlockHeader Header(IReadOnlyList<Cid> parents, long height, Cid state, Cid msgs, int miner) => new()
    {
        Miner = new byte[] { 0, (byte)miner },
        Ticket = new Ticket(new byte[] { (byte)height, (byte)miner, (byte)_salt }),
        Parents = parents,
        Height = height,
        ParentStateRoot = state,
        ParentMessageReceipts = Source.Node("receipts" + height),
        Messages = msgs,
        Timestamp = (ulong)(1000 + height * 30),
        ParentBaseFee = 100,
    };

    /// <summary>A child of <paramref name="parent"/> at <paramref name="height"/>; a different salt makes a sibling fork.</summary>
    public TipSet Next(TipSet parent, long? height = null, int blocks = 1, int salt = 0)
    {
        _salt = salt;
        long h = height ?? parent.Height + 1;
        int changed = (int)(h % _actors.Length);
        var actors = (Cid[])_actors.Clone();
        actors[changed] = Source.Node($"actor{h}-{changed}-{salt}", Source.Raw("code" + (h % 3)), Source.Node($"deep{h}-{salt}"));
        var state = Source.Node($"state{h}-{salt}", actors);
        var hdrs = Enumerable.Range(0, blocks)
            .Select(b => Header(parent.Cids, h, state, Source.Node($"msgs{h}-{b}-{salt}", Source.Node($"m{h}-{b}-{salt}"), Source.Node("amt-empty")), b + 1))
            .ToArray();
        var ts = TipSet.FromHeaders(hdrs);
        foreach (var (c, raw) in ts.Cids.Zip(ts.RawHeaders)) Source.Blocks[c] = raw;
        return ts;
    }
}
