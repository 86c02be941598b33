using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>
/// The generated state: a HAMT-shaped tree (bitwidth 5, 32 slots a node) over actor-state blocks, evolving with
/// structural sharing. Only the 32-byte blake2b digests of the current nodes are kept (block bytes go to the sink
/// and are re-derivable from the seed), so very large states stay cheap in memory.
/// <list type="bullet">
/// <item>level 0: actor head blocks <c>[version, payload bytes]</c>, sizes ~ AverageBlockSize;</item>
/// <item>level 1: HAMT nodes <c>[bitfield, [[[key, [Code, Head, Nonce, Balance]]]...]]</c> (bucket pointers, key = ID address);</item>
/// <item>levels 2..: HAMT nodes <c>[bitfield, [link...]]</c> until a level has at most 31 nodes;</item>
/// <item>actors root: <c>[bitfield, [genesis state root, top-level links...]]</c>, so the genesis state stays reachable;</item>
/// <item>StateRoot <c>[5, actors root, info]</c> with info = StateInfo0 <c>[]</c> (lotus chain/types/state.go).</item>
/// </list>
/// </summary>
internal sealed class StateTree
{
    public const int Fanout = 32;
    public const int StateVersion = 5;
    private static readonly byte[] CidPrefix = { 0x01, 0x71, 0xa0, 0xe4, 0x02, 0x20 };

    private readonly DevnetOptions _o;
    private readonly Cid _genesisState;
    private readonly Cid _infoCid;
    private readonly Cid _accountCode;
    private readonly List<byte[]> _digests = new(); // per level, 32 bytes per node
    private readonly List<int> _counts = new();
    private uint[] _versions = new uint[16];

    /// <summary>The current StateRoot CID.</summary>
    public Cid Root { get; private set; }
    public int Leaves => _counts[0];
    public int Levels => _counts.Count;

    /// <summary>
    /// Builds the initial tree (every node written to <paramref name="sink"/>). This is the long part of a large devnet;
    /// <paramref name="cancellationToken"/> is checked every <see cref="CancelCheckInterval"/> nodes, and a cancelled
    /// build keeps nothing (the caller drops the half-built tree).
    /// </summary>
    public StateTree(DevnetOptions o, Cid genesisState, IBlockSink sink, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _o = o;
        _genesisState = genesisState;
        _infoCid = sink.PutCbor(new byte[] { 0x80 });
        _accountCode = Cid.Create(Multicodec.Raw, Multicodec.Identity, "fil/1/account"u8);
        int leaves = Math.Max(Fanout, (int)((long)o.StateBlocks * (Fanout - 1) / Fanout) - 2);
        _counts.Add(0);
        _digests.Add(Array.Empty<byte>());
        Resize(leaves);
        // every node is dirty: ascending ranges (a SortedSet of every index cost ~50 bytes a node and a sort)
        var all = new IEnumerable<int>[Levels];
        for (int l = 0; l < Levels; l++) all[l] = Enumerable.Range(0, _counts[l]);
        Recompute(all, sink, null, cancellationToken);
    }

    /// <summary>Nodes encoded between two checks of the cancellation token while building (~1 ms of work).</summary>
    internal const int CancelCheckInterval = 1024;

    /// <summary>What one tipset's execution changed, to undo it on a reorg.</summary>
    internal sealed class Undo
    {
        public required int[] Counts { get; init; }
        public List<(int Level, int Index, byte[] Old)> Nodes { get; } = new();
        public List<(int Leaf, uint Old)> Versions { get; } = new();
        public required Cid OldRoot { get; init; }
    }

    /// <summary>Applies one epoch of churn and growth (choices keyed by height and fork) and returns the undo record.</summary>
    public Undo Apply(long height, int fork, IBlockSink sink)
    {
        var undo = new Undo { Counts = _counts.ToArray(), OldRoot = Root };
        var rng = Rng.For(_o.Seed, "churn", height, fork);
        int oldLeaves = Leaves;
        Resize(oldLeaves + _o.GrowthPerEpoch);
        var dirty = new SortedSet<int>[Levels];
        for (int l = 0; l < Levels; l++) dirty[l] = new SortedSet<int>();
        void MarkPath(int leaf)
        {
            int i = leaf;
            for (int l = 0; l < Levels; l++) { dirty[l].Add(i); i /= Fanout; }
        }
        for (int i = oldLeaves; i < Leaves; i++) { _versions[i] = 0; MarkPath(i); }
        int Total() { int t = 2; foreach (var d in dirty) t += d.Count; return t; }
        int guard = _o.ChurnPerEpoch * 4 + 8;
        while (Total() < _o.ChurnPerEpoch && guard-- > 0)
        {
            int leaf = rng.Next(oldLeaves);
            if (dirty[0].Contains(leaf)) continue;
            undo.Versions.Add((leaf, _versions[leaf]));
            _versions[leaf]++;
            MarkPath(leaf);
        }
        Recompute(dirty, sink, undo, CancellationToken.None); // one epoch's churn: short, and an undo record must be whole
        return undo;
    }

    /// <summary>Restores the tree to before the tipset whose undo record this is.</summary>
    public void Revert(Undo undo)
    {
        for (int k = undo.Nodes.Count - 1; k >= 0; k--)
        {
            var (l, i, old) = undo.Nodes[k];
            if (l < _digests.Count && (i + 1) * 32 <= _digests[l].Length) old.CopyTo(_digests[l], i * 32);
        }
        for (int k = undo.Versions.Count - 1; k >= 0; k--) _versions[undo.Versions[k].Leaf] = undo.Versions[k].Old;
        _counts.Clear();
        _counts.AddRange(undo.Counts);
        while (_digests.Count > _counts.Count) _digests.RemoveAt(_digests.Count - 1);
        Root = undo.OldRoot;
    }

    private void Resize(int leaves)
    {
        _counts[0] = leaves;
        if (_versions.Length < leaves) Array.Resize(ref _versions, Math.Max(leaves, _versions.Length * 2));
        int l = 0;
        while (true)
        {
            EnsureCapacity(l, _counts[l]);
            if (l >= 1 && _counts[l] < Fanout) break;
            int up = (_counts[l] + Fanout - 1) / Fanout;
            if (_counts.Count <= l + 1) { _counts.Add(up); _digests.Add(Array.Empty<byte>()); }
            else _counts[l + 1] = up;
            l++;
        }
        while (_counts.Count > l + 1) { _counts.RemoveAt(_counts.Count - 1); _digests.RemoveAt(_digests.Count - 1); }
    }

    private void EnsureCapacity(int level, int count)
    {
        var d = _digests[level];
        if (d.Length < count * 32)
        {
            Array.Resize(ref d, Math.Max(count * 32, d.Length * 2));
            _digests[level] = d;
        }
    }

    /// <summary>Re-encodes the <paramref name="dirty"/> nodes of each level (ascending indexes), bottom up, then the roots.</summary>
    private void Recompute(IEnumerable<int>[] dirty, IBlockSink sink, Undo? undo, CancellationToken cancellationToken)
    {
        var w = new CborWriter(4096);
        int sinceCheck = 0;
        for (int l = 0; l < Levels; l++)
        {
            foreach (int i in dirty[l])
            {
                if (++sinceCheck == CancelCheckInterval)
                {
                    sinceCheck = 0;
                    cancellationToken.ThrowIfCancellationRequested();
                }
                w.Reset();
                if (l == 0) EncodeLeaf(w, i);
                else EncodeNode(w, l, i);
                var bytes = w.ToArray();
                var cid = sink.PutCbor(bytes);
                var slot = _digests[l].AsSpan(i * 32, 32);
                if (undo is not null) undo.Nodes.Add((l, i, slot.ToArray()));
                cid.Digest.CopyTo(slot);
            }
        }
        // actors root: genesis state first, then the top level
        int top = Levels - 1;
        w.Reset();
        int c = _counts[top] + 1;
        w.WriteArray(2).WriteBytes(Bitfield(c)).WriteArray(c);
        w.WriteCid(_genesisState);
        for (int i = 0; i < _counts[top]; i++) WriteLink(w, top, i);
        var actors = sink.PutCbor(w.ToArray());
        w.Reset();
        w.WriteArray(3).WriteUInt(StateVersion).WriteCid(actors).WriteCid(_infoCid);
        Root = sink.PutCbor(w.ToArray());
    }

    private void WriteLink(CborWriter w, int level, int index)
    {
        Span<byte> cid = stackalloc byte[38];
        CidPrefix.CopyTo(cid);
        _digests[level].AsSpan(index * 32, 32).CopyTo(cid[6..]);
        w.WriteCid(cid);
    }

    private void EncodeLeaf(CborWriter w, int leaf)
    {
        uint v = _versions[leaf];
        var rng = Rng.For(_o.Seed, "leaf", leaf, v);
        int size = rng.Between(Math.Max(1, _o.AverageBlockSize / 2), _o.AverageBlockSize * 3 / 2) - 8;
        var payload = rng.Bytes(Math.Max(1, size));
        w.WriteArray(2).WriteUInt(v).WriteBytes(payload);
    }

    private void EncodeNode(CborWriter w, int level, int index)
    {
        int first = index * Fanout;
        int c = Math.Min(Fanout, _counts[level - 1] - first);
        w.WriteArray(2).WriteBytes(Bitfield(c)).WriteArray(c);
        for (int k = 0; k < c; k++)
        {
            int child = first + k;
            if (level == 1)
            {
                // a bucket with one [key, actor] pair; actor = [Code, Head, Nonce, Balance] (lotus chain/types/actor.go)
                uint v = _versions[child];
                var bal = Rng.For(_o.Seed, "balance", child, v).NextUInt64() >> 8;
                w.WriteArray(1).WriteArray(2).WriteBytes(Address.FromId(1000UL + (ulong)child));
                w.WriteArray(4).WriteCid(_accountCode);
                WriteLink(w, 0, child);
                w.WriteUInt(v).WriteBigInt(new System.Numerics.BigInteger(bal));
            }
            else WriteLink(w, level - 1, child);
        }
    }

    private static byte[] Bitfield(int bits)
    {
        if (bits <= 0) return Array.Empty<byte>();
        int n = (bits + 7) / 8;
        var b = new byte[n];
        for (int i = 0; i < bits; i++) b[n - 1 - i / 8] |= (byte)(1 << (i % 8));
        return b;
    }
}
