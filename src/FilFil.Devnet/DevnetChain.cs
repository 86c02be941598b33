using System.Collections.Concurrent;
using FilFil.Core.Car;
using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>
/// A deterministic, Lotus-shaped chain kept in memory: starts at the real genesis (embedded CAR), mines tipsets of 1..k
/// blocks with null rounds and reorgs, and serves every block it ever produced (reverted forks included, as a Lotus
/// blockstore does). Thread-safe.
/// </summary>
public sealed class DevnetChain : IDisposable
{
    private readonly object _gate = new();
    private readonly Store _store = new();
    private readonly ChainGenerator _gen;
    private readonly List<DevnetTipSet?> _byHeight = new(); // canonical; null = null round
    private readonly Dictionary<string, DevnetTipSet> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _forks = new();
    private readonly Timer? _timer;
    private DevnetTipSet _head;
    private bool _disposed;

    /// <summary>Raised under the chain's lock for every head change, in order; handlers must not block.</summary>
    public event Action<DevnetHeadChange>? HeadChanged;

    /// <summary>
    /// Generates the chain's genesis and initial state (long for a large <see cref="DevnetOptions.StateBlocks"/>).
    /// <paramref name="cancellationToken"/> stops the generation within about a millisecond of work: the constructor
    /// throws <see cref="OperationCanceledException"/> and everything generated so far is garbage at once.
    /// </summary>
    public DevnetChain(DevnetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _gen = new ChainGenerator(options, _store, _store, _store, cancellationToken);
        _head = _gen.GenesisTipSet;
        _byHeight.Add(_head);
        _byKey[_head.Key] = _head;
        if (options.EpochDuration > TimeSpan.Zero)
            _timer = new Timer(_ =>
            {
                try { lock (_gate) { if (!_disposed) AdvanceLocked(1); } }
                catch (Exception e) { BackgroundError = e; _timer?.Change(Timeout.Infinite, Timeout.Infinite); }
            }, null, options.EpochDuration, options.EpochDuration);
    }

    public DevnetOptions Options { get; }

    /// <summary>The exception that stopped the background miner (EpochDuration &gt; 0), if any.</summary>
    public Exception? BackgroundError { get; private set; }

    /// <summary>The genesis tipset (the real network genesis).</summary>
    public DevnetTipSet Genesis => _gen.GenesisTipSet;

    /// <summary>The current heaviest tipset.</summary>
    public DevnetTipSet Head { get { lock (_gate) return _head; } }

    /// <summary>Number of blocks in the store.</summary>
    public int BlockCount => _store.Count;

    /// <summary>Total bytes of block data in the store.</summary>
    public long StoredBytes => Interlocked.Read(ref _store.Bytes);

    /// <summary>Network name as Lotus's StateNetworkName returns it ("testnetnet" for mainnet, "calibrationnet").</summary>
    public string NetworkName => Options.NetworkName;

    /// <summary>Mines <paramref name="epochs"/> epochs (null rounds and random reorgs included); returns the new head.</summary>
    public DevnetTipSet Advance(int epochs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            AdvanceLocked(epochs);
            return _head;
        }
    }

    /// <summary>Replaces the last <paramref name="depth"/> tipsets by a heavier fork now; returns the new head.</summary>
    public DevnetTipSet Reorg(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var reverts = new List<DevnetTipSet>();
            var applies = new List<DevnetTipSet>();
            ReorgLocked(depth, reverts, applies);
            if (reverts.Count > 0) Publish(reverts, applies);
            return _head;
        }
    }

    private void AdvanceLocked(int epochs)
    {
        for (int e = 0; e < epochs; e++)
        {
            long h = _byHeight.Count;
            var reverts = new List<DevnetTipSet>();
            var applies = new List<DevnetTipSet>();
            var rr = Rng.For(Options.Seed, "reorg", h);
            if (rr.Chance(Options.ReorgRate)) ReorgLocked(1 + rr.Next(Options.MaxReorgDepth), reverts, applies);
            if (Rng.For(Options.Seed, "null", h).Chance(Options.NullRoundRate))
            {
                _byHeight.Add(null);
            }
            else
            {
                var ts = _gen.Mine(h, NextFork(h), _head, 0);
                Accept(ts);
                applies.Add(ts);
            }
            if (reverts.Count > 0 || applies.Count > 0) Publish(reverts, applies);
        }
    }

    private int NextFork(long h)
    {
        _forks.TryGetValue(h, out int f);
        _forks[h] = f + 1;
        return f;
    }

    private void Accept(DevnetTipSet ts)
    {
        while (_byHeight.Count < ts.Height) _byHeight.Add(null);
        _byHeight.Add(ts);
        _byKey[ts.Key] = ts;
        _head = ts;
    }

    private void ReorgLocked(int depth, List<DevnetTipSet> reverts, List<DevnetTipSet> applies)
    {
        // the last `depth` non-null tipsets above genesis, head first
        for (long h = _byHeight.Count - 1; h > 0 && reverts.Count < depth; h--)
            if (_byHeight[(int)h] is { } t) reverts.Add(t);
        if (reverts.Count == 0) return;
        foreach (var t in reverts) _gen.State.Revert(t.Undo!);
        long baseHeight = reverts[^1].Height - 1;
        int nullsAbove = _byHeight.Count - 1 - (int)reverts[0].Height;
        _byHeight.RemoveRange((int)baseHeight + 1, _byHeight.Count - (int)baseHeight - 1);
        var parent = _byHeight.Last(t => t is not null)!;
        _head = parent;
        for (int i = reverts.Count - 1; i >= 0; i--)
        {
            var old = reverts[i];
            var ts = _gen.Mine(old.Height, NextFork(old.Height), _head, old.WinSum + 1);
            Accept(ts);
            applies.Add(ts);
        }
        for (int i = 0; i < nullsAbove; i++) _byHeight.Add(null);
    }

    /// <summary>Adds a head-change handler and returns the head at that instant, atomically (Lotus SubHeadChanges).</summary>
    internal DevnetTipSet Subscribe(Action<DevnetHeadChange> handler)
    {
        lock (_gate)
        {
            HeadChanged += handler;
            return _head;
        }
    }

    internal void Unsubscribe(Action<DevnetHeadChange> handler)
    {
        lock (_gate) HeadChanged -= handler;
    }

    private void Publish(List<DevnetTipSet> reverts, List<DevnetTipSet> applies)
    {
        var hc = new DevnetHeadChange(reverts, applies);
        HeadChanged?.Invoke(hc);
    }

    /// <summary>The canonical tipset at exactly this height, or null (null round, or above the head).</summary>
    public DevnetTipSet? GetTipSet(long height)
    {
        lock (_gate) return height >= 0 && height < _byHeight.Count ? _byHeight[(int)height] : null;
    }

    /// <summary>Lotus ChainGetTipSetByHeight semantics: the tipset at the height, or the last one before a null round.</summary>
    public DevnetTipSet GetTipSetByHeight(long height, DevnetTipSet? from = null)
    {
        lock (_gate)
        {
            from ??= _head;
            if (height < 0) throw new DevnetRpcException($"height {height} is negative");
            if (height > from.Height) throw new DevnetRpcException($"looking for tipset with height greater than start point, req: {height}, head: {from.Height}");
            if (height == from.Height) return from;
            // walk back along parents from `from`
            var cur = from;
            while (cur.Height > height)
            {
                if (!TryGetTipSetLocked(cur.Blocks[0].Parents, out var p)) throw new DevnetRpcException($"failed to load tipset: parents of {cur.Key} unknown");
                if (p.Height < height) return p;
                cur = p;
            }
            return cur;
        }
    }

    /// <summary>Finds a tipset (canonical or reverted) by its key.</summary>
    public bool TryGetTipSet(IReadOnlyList<Cid> key, out DevnetTipSet tipSet)
    {
        lock (_gate) return TryGetTipSetLocked(key, out tipSet);
    }

    private bool TryGetTipSetLocked(IReadOnlyList<Cid> key, out DevnetTipSet tipSet) =>
        _byKey.TryGetValue("{" + string.Join(",", key) + "}", out tipSet!);

    /// <summary>The raw bytes of a block, if the devnet has it (identity CIDs resolve to their inline data, as in Lotus).</summary>
    public bool TryGetBlock(Cid cid, out ReadOnlyMemory<byte> data)
    {
        if (!cid.IsDefault && cid.IsIdentity) { data = cid.Digest.ToArray(); return true; }
        if (_store.TryGet(cid, out var d)) { data = d; return true; }
        data = default;
        return false;
    }

    internal byte[]? GetBlock(Cid cid) => TryGetBlock(cid, out var d) ? d.ToArray() : null;

    public bool HasBlock(Cid cid) => TryGetBlock(cid, out _);

    /// <summary>
    /// Writes a CARv1 exactly as Lotus's lightweight export (chain/store/snapshot.go WalkSnapshot) would for the canonical
    /// tipset at <paramref name="toHeight"/> with recent state roots covering [<paramref name="fromHeight"/>, toHeight]:
    /// roots = that tipset's CIDs; headers breadth-first back to genesis (child before parent, so `lotus daemon
    /// --import-snapshot` accepts it); messages (if <paramref name="includeMessages"/>) and ParentStateRoot DAGs of
    /// headers at or above fromHeight, plus the genesis state; identity CIDs skipped; no receipts.
    /// </summary>
    /// <returns>The number of blocks written.</returns>
    public long ExportCar(Stream output, long fromHeight, long toHeight, bool includeMessages = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (fromHeight < 0 || fromHeight > toHeight) throw new ArgumentOutOfRangeException(nameof(fromHeight), fromHeight, $"must be within [0, {toHeight}]");
        var head = GetTipSetByHeight(Math.Min(toHeight, Head.Height));
        using var car = new CarWriter(output, head.Cids, leaveOpen: true);
        SnapshotWalk.Walk(head.Cids, fromHeight, includeMessages, c => GetBlock(c), (c, d) => car.Write(c, d));
        car.Flush();
        return car.BlocksWritten;
    }

    /// <summary>
    /// Streams a synthetic chain of <paramref name="epochs"/> epochs (no reorgs) straight into a CARv1 without keeping
    /// block bytes in memory: memory is bounded by the state tree's digests (32 bytes a state node) and the headers.
    /// Blocks are written as generated (genesis, state, messages), then all headers head-first, so Lotus's import scan
    /// (child before parent along Parents[0]) accepts the file. Receipts are not written (as Lotus exports). The
    /// stream must be seekable (the header's roots are patched at the end).
    /// </summary>
    public static SyntheticCarResult WriteSyntheticCar(DevnetOptions options, Stream output, long epochs, CancellationToken cancellationToken = default) =>
        SyntheticCar.Write(options, output, epochs, cancellationToken);

    public void Dispose()
    {
        lock (_gate) _disposed = true;
        _timer?.Dispose();
    }

    /// <summary>The in-memory blockstore.</summary>
    private sealed class Store : IBlockSink
    {
        private readonly ConcurrentDictionary<Cid, byte[]> _blocks = new();
        public long Bytes;
        public int Count => _blocks.Count;
        public void Put(Cid cid, byte[] data)
        {
            if (_blocks.TryAdd(cid, data)) Interlocked.Add(ref Bytes, data.Length);
        }
        public bool TryGet(Cid cid, out byte[] data) => _blocks.TryGetValue(cid, out data!);
    }
}
