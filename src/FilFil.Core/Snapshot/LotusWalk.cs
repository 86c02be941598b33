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
/// Iterative: no recursion depth limit.
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

    private bool Mark(long addr, uint mark)
    {
        if (!_store.TryMark(addr, mark)) return false;
        if (_markedInLast == MarkChunk)
        {
            _marked.Add(new long[MarkChunk]);
            _markedInLast = 0;
        }
        _marked[^1][_markedInLast++] = addr;
        return true;
    }

    public void Run(IReadOnlyList<Cid> tipset)
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
            long addr = _store.Find(cid);
            if (addr < 0) { Missing(cid); break; }
            if (!Mark(addr, BlockStore.SeenMark)) continue;
            _emit(addr);
            HeadersWalked++;
            if ((HeadersWalked & 1023) == 0) CancellationToken.ThrowIfCancellationRequested();
            var h = HeaderLinks.Read(_store.GetData(addr));
            if (_wantMessages(h)) WalkDag(h.Messages.Bytes);
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
            if (h.Height == 0 || _wantState(h)) WalkDag(h.ParentStateRoot.Bytes);
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
        var p = Cid.ReadPrefix(cid, 0);
        if (p.HashCode == Multicodec.Identity || !DagLinks.IsBlockCodec(p.Codec)) return;
        if (addr == -2) addr = _store.Find(cid);
        if (addr < 0) { Missing(cid); return; }
        if (Mark(addr, BlockStore.SeenMark)) _emit(addr);
    }

    /// <summary>recurseLinks from a root, the root included ("walked" checked for the root as Lotus does).</summary>
    private void WalkDag(ReadOnlySpan<byte> rootCid)
    {
        long addr = WalkedVisit(rootCid, out bool fresh);
        if (!fresh || _stopped) return;
        EmitOut(rootCid, addr);
        if (_stopped || addr < 0 || !DagLinks.IsScanned(rootCid)) return;
        var buf = new CidList(1 << 12);
        var frames = new List<(int Start, int Pos, int End)>();
        DagLinks.AddChildren(rootCid, _store.GetData(addr), buf);
        frames.Add((0, 0, buf.ByteLength));
        while (frames.Count > 0 && !_stopped)
        {
            var (start, pos, end) = frames[^1];
            if (pos >= end)
            {
                buf.Truncate(start, 0);
                frames.RemoveAt(frames.Count - 1);
                continue;
            }
            var span = buf.Read(ref pos);
            frames[^1] = (start, pos, end);
            span.CopyTo(_cidTmp);
            var child = _cidTmp.AsSpan(0, span.Length);
            long ca = WalkedVisit(child, out bool childFresh);
            if (!childFresh || _stopped) continue;
            EmitOut(child, ca);
            if (_stopped || ca < 0 || !DagLinks.IsScanned(child)) continue;
            int s = buf.ByteLength;
            DagLinks.AddChildren(child, _store.GetData(ca), buf);
            frames.Add((s, s, buf.ByteLength));
        }
    }

    /// <summary>Marks a CID walked. Returns its address (or -1 when it is not a stored block kind).</summary>
    private long WalkedVisit(ReadOnlySpan<byte> cid, out bool fresh)
    {
        var p = Cid.ReadPrefix(cid, 0);
        if (p.HashCode == Multicodec.Identity || !DagLinks.IsBlockCodec(p.Codec))
        {
            fresh = false; // never stored, never emitted (identity DAG-CBOR links were already looked through)
            return -1;
        }
        long addr = _store.Find(cid);
        if (addr < 0)
        {
            Missing(cid);
            fresh = false;
            return -1;
        }
        fresh = Mark(addr, BlockStore.WalkedMark);
        return addr;
    }

    public void Dispose()
    {
        for (int i = 0; i < _marked.Count; i++)
        {
            var chunk = _marked[i];
            int n = i == _marked.Count - 1 ? _markedInLast : chunk.Length;
            for (int k = 0; k < n; k++) _store.ClearMarks(chunk[k]);
        }
        _marked.Clear();
    }
}
