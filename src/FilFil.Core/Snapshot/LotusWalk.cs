using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Snapshot;

/// <summary>
/// Lotus's <c>WalkSnapshot</c> (chain/store/snapshot.go) over a <see cref="BlockStore"/>, in its exact order:
/// a breadth-first queue of headers from the tipset's CIDs; for each header not yet seen: the header; then, if
/// wanted and not yet walked, its Messages DAG depth-first pre-order; then (height 0) the genesis parents, else
/// its parents are queued; then, if wanted and not yet walked, its ParentStateRoot DAG depth-first pre-order.
/// Links are found by scanning CBOR tag 42 in document order, only DAG-CBOR blocks are scanned, identity-hash
/// CIDs and codecs other than cbor/dag-cbor/raw are not emitted, receipts are never walked.
/// <para>
/// The seen/walked sets are two mark bits inside each store record (no per-block allocation); the marks are
/// cleared when the walk ends. One walk at a time per store (the caller holds the engine's walk gate).
/// Iterative: no recursion depth limit. Lookups run under the store's shared lock taken once per
/// <see cref="LookupsPerLock"/> lookups; the header callbacks run outside it, <c>emit</c> runs inside it and
/// must not call locking <see cref="BlockStore"/> members (GetData/GetCid are fine).
/// </para>
/// </summary>
internal sealed class LotusWalk : IDisposable
{
    private readonly BlockStore _store;
    private readonly Func<HeaderLinks, bool> _wantMessages;
    private readonly Func<HeaderLinks, bool> _wantState;
    private readonly Action<long> _emit;
    private readonly List<long[]> _marked = new();
    private int _markedInLast = MarkChunk;
    private const int MarkChunk = 1 << 16;
    private readonly byte[] _cidTmp = new byte[256];

    /// <param name="emit">Called with the store address of each block to write, in order.</param>
    /// <param name="onMissing">Called for a block the walk needs but the store lacks; return to stop the walk.</param>
    public LotusWalk(BlockStore store, Func<HeaderLinks, bool> wantMessages, Func<HeaderLinks, bool> wantState, Action<long> emit, Action<Cid>? onMissing = null)
    {
        _store = store;
        _wantMessages = wantMessages;
        _wantState = wantState;
        _emit = emit;
        _onMissing = onMissing ?? (c => throw new BlockUnavailableException(c, "needed by the snapshot walk but not held"));
    }

    private readonly Action<Cid> _onMissing;
    private bool _stopped;

    public long HeadersWalked { get; private set; }
    public bool Stopped => _stopped;
    public CancellationToken CancellationToken { get; init; }

    private void Missing(ReadOnlySpan<byte> cid)
    {
        _onMissing(Cid.FromBytes(cid));
        _stopped = true;
    }

    /// <summary>Sets <paramref name="marks"/> and returns the walk marks the record had before.</summary>
    private uint Mark(long addr, uint marks)
    {
        uint before = _store.SetMarks(addr, marks);
        if (before == 0)
        {
            if (_markedInLast == MarkChunk)
            {
                _marked.Add(new long[MarkChunk]);
                _markedInLast = 0;
            }
            _marked[^1][_markedInLast++] = addr;
        }
        return before;
    }

    private bool Mark(long addr) => (Mark(addr, BlockStore.SeenMark) & BlockStore.SeenMark) == 0;

    /// <summary>Lookups made under one hold of the store's shared lock (writers wait at most that long).</summary>
    public const int LookupsPerLock = 4096;
    private int _lookups;
    private bool _locked;

    private long Find(ReadOnlySpan<byte> cid) => Find(cid, _store.PrefetchSlotLocked(cid));

    private long Find(ReadOnlySpan<byte> cid, ulong hash)
    {
        if (++_lookups >= LookupsPerLock)
        {
            _store.ExitShared();
            _locked = false;
            CancellationToken.ThrowIfCancellationRequested();
            _store.EnterShared();
            _locked = true;
            _lookups = 0;
        }
        return _store.FindLocked(cid, hash);
    }

    /// <summary>Runs <paramref name="wait"/> without the store's shared lock (for an <c>emit</c> that must block).</summary>
    public void OutsideLock(Action wait) => Unlocked(static w => { w(); return true; }, wait);

    /// <summary>Calls <paramref name="f"/> without the store's shared lock, retaking it afterwards if it was held.</summary>
    private T Unlocked<TArg, T>(Func<TArg, T> f, TArg arg)
    {
        if (!_locked) return f(arg);
        _store.ExitShared();
        _locked = false;
        try { return f(arg); }
        finally
        {
            _store.EnterShared();
            _locked = true;
        }
    }

    public void Run(IReadOnlyList<Cid> tipset) => RunWith(() => RunLocked(tipset));

    /// <summary>Walks DAG roots in order, as a snapshot walks its state and message DAGs (tests).</summary>
    internal void RunDags(IEnumerable<Cid> roots) => RunWith(() =>
    {
        foreach (var r in roots)
            if (!_stopped) WalkDag(r.Bytes);
    });

    private void RunWith(Action walk)
    {
        _store.EnterShared();
        _locked = true;
        try { walk(); }
        finally
        {
            if (_locked) _store.ExitShared();
            _locked = false;
        }
    }

    private void RunLocked(IReadOnlyList<Cid> tipset)
    {
        var queue = new CidList(1 << 12);
        int readPos = 0, readCount = 0;
        foreach (var c in tipset) queue.Add(c.Bytes);
        while (readCount < queue.Count && !_stopped)
        {
            var span = queue.Read(ref readPos);
            readCount++;
            span.CopyTo(_cidTmp);
            var cid = _cidTmp.AsSpan(0, span.Length);
            long addr = Find(cid);
            if (addr < 0) { Missing(cid); break; }
            if (!Mark(addr)) continue;
            _emit(addr);
            HeadersWalked++;
            if ((HeadersWalked & 1023) == 0) CancellationToken.ThrowIfCancellationRequested();
            var h = HeaderLinks.Read(_store.GetData(addr));
            if (Unlocked(_wantMessages, h)) WalkDag(h.Messages.Bytes);
            if (_stopped) break;
            if (h.Height > 0)
            {
                foreach (var p in h.Parents) queue.Add(p.Bytes);
            }
            else
            {
                foreach (var p in h.Parents) EmitOut(p.Bytes, -2);
            }
            if (_stopped) break;
            if (h.Height == 0 || Unlocked(_wantState, h)) WalkDag(h.ParentStateRoot.Bytes);
            // compact the consumed part of the queue now and then
            if (readPos > (1 << 20) && readPos > queue.ByteLength / 2)
            {
                var rest = new CidList(Math.Max(1 << 12, queue.ByteLength - readPos));
                int p2 = readPos;
                for (int k = readCount; k < queue.Count; k++) rest.Add(queue.Read(ref p2));
                queue = rest;
                readPos = 0;
                readCount = 0;
            }
        }
    }

    /// <summary>Emits a non-header CID if it passes Lotus's filter and is not yet seen. addr -2: look it up.</summary>
    private void EmitOut(ReadOnlySpan<byte> cid, long addr)
    {
        CidPrefix.Read(cid, out ulong codec, out ulong hash, out _);
        if (hash == Multicodec.Identity || !DagLinks.IsBlockCodec(codec)) return;
        if (addr == -2) addr = Find(cid);
        if (addr < 0) { Missing(cid); return; }
        if (Mark(addr)) _emit(addr);
    }

    /// <summary>
    /// The depth-first stack of pending children: CID bytes in one array and, per entry, its offset, length and index
    /// hash. The hash is computed once, when the child is found (its index slot is prefetched then), and reused
    /// for the record prefetch and the lookup.
    /// </summary>
    private sealed class ChildStack : ILinkVisitor
    {
        private readonly BlockStore _store;
        private byte[] _bytes = new byte[1 << 14];
        private int[] _off = new int[1 << 9];
        private ulong[] _hash = new ulong[1 << 9];
        private int _byteLen;

        public ChildStack(BlockStore store) => _store = store;

        public int Count { get; private set; }

        public void Visit(ReadOnlySpan<byte> cid)
        {
            if (_byteLen + cid.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _byteLen + cid.Length));
            if (Count == _off.Length)
            {
                Array.Resize(ref _off, Count * 2);
                Array.Resize(ref _hash, Count * 2);
            }
            cid.CopyTo(_bytes.AsSpan(_byteLen));
            _off[Count] = _byteLen;
            _hash[Count] = _store.PrefetchSlotLocked(cid);
            _byteLen += cid.Length;
            Count++;
        }

        /// <summary>Entry <paramref name="i"/>'s CID (valid until the next <see cref="Visit"/>).</summary>
        public ReadOnlySpan<byte> Cid(int i) => _bytes.AsSpan(_off[i], (i + 1 < Count ? _off[i + 1] : _byteLen) - _off[i]);

        public ulong Hash(int i) => _hash[i];

        public void Truncate(int count)
        {
            if (count < Count) _byteLen = _off[count];
            Count = count;
        }
    }

    private ChildStack? _children;
    private readonly List<(int Start, int Pos, int End)> _frames = new();

    /// <summary>recurseLinks from a root, the root included ("walked" checked for the root as Lotus does).</summary>
    private void WalkDag(ReadOnlySpan<byte> rootCid)
    {
        long addr = WalkedVisit(rootCid, _store.PrefetchSlotLocked(rootCid), out bool fresh);
        if (!fresh || _stopped) return;
        if (addr < 0 || !DagLinks.IsScanned(rootCid)) return;
        var stack = _children ??= new ChildStack(_store);
        var frames = _frames;
        stack.Truncate(0);
        frames.Clear();
        DagLinks.AddChildren(rootCid, _store.GetData(addr), stack);
        frames.Add((0, 0, stack.Count));
        while (frames.Count > 0 && !_stopped)
        {
            var (start, pos, end) = frames[^1];
            if (pos >= end)
            {
                stack.Truncate(start);
                frames.RemoveAt(frames.Count - 1);
                continue;
            }
            frames[^1] = (start, pos + 1, end);
            // the next sibling's slot was prefetched when it was found: its record can be prefetched now
            if (pos + 1 < end) _store.PrefetchRecordLocked(stack.Hash(pos + 1));
            var child = stack.Cid(pos);
            long ca = WalkedVisit(child, stack.Hash(pos), out bool childFresh);
            if (!childFresh || _stopped) continue;
            if (ca < 0 || !DagLinks.IsScanned(child)) continue;
            int s = stack.Count;
            DagLinks.AddChildren(child, _store.GetData(ca), stack); // child is not read once the scan has begun
            frames.Add((s, s, stack.Count));
        }
    }

    /// <summary>
    /// Marks a CID walked (and seen, emitting it if it was not). Returns its address (or -1 when it is not a stored
    /// block kind). A block already walked costs no atomic operation.
    /// </summary>
    private long WalkedVisit(ReadOnlySpan<byte> cid, ulong hash, out bool fresh)
    {
        CidPrefix.Read(cid, out ulong codec, out ulong hashCode, out _);
        if (hashCode == Multicodec.Identity || !DagLinks.IsBlockCodec(codec))
        {
            fresh = false; // never stored, never emitted (identity DAG-CBOR links were already looked through)
            return -1;
        }
        long addr = Find(cid, hash);
        if (addr < 0)
        {
            Missing(cid);
            fresh = false;
            return -1;
        }
        if ((_store.GetMarks(addr) & BlockStore.WalkedMark) != 0)
        {
            fresh = false;
            return addr;
        }
        // walked and seen in one atomic step: a freshly walked block is emitted unless already seen
        uint before = Mark(addr, BlockStore.WalkedMark | BlockStore.SeenMark);
        fresh = (before & BlockStore.WalkedMark) == 0;
        if (fresh && (before & BlockStore.SeenMark) == 0) _emit(addr);
        return addr;
    }

    public void Dispose()
    {
        for (int i = 0; i < _marked.Count; i++)
        {
            var chunk = _marked[i];
            int n = i == _marked.Count - 1 ? _markedInLast : chunk.Length;
            _store.ClearMarks(chunk, n);
        }
        _marked.Clear();
    }
}
