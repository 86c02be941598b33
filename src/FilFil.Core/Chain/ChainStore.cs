using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Chain;

/// <summary>
/// The in-memory chain state a snapshot is written from. Block headers form the chain back to genesis and are
/// held by header pins (they pin no history); for each tipset in the window the blocks' Messages and
/// ParentStateRoot are linked in the <see cref="RefDag"/> and unlinked when the tipset leaves the window or is
/// reverted. The genesis state is linked for good. Apply/Revert/Bootstrap are serialised; snapshot writers pin
/// what they read (<see cref="PinForSnapshotAsync"/>) and run concurrently with them.
/// </summary>
public sealed class ChainStore : IDisposable
{
    internal sealed class Entry
    {
        public Entry(TipSet ts) => Ts = ts;
        public TipSet Ts { get; }
        public bool StateLinked { get; set; }
        public bool MessagesLinked { get; set; }
    }

    private readonly SemaphoreSlim _gate = new(1, 1);
    internal readonly SemaphoreSlim WalkGate = new(1, 1);
    private readonly List<Entry> _chain = new();      // ascending heights, contiguous by parents, last = head
    private readonly Queue<Entry> _reverted = new();  // reverted tipsets whose roots stay linked (at most K)
    private readonly List<Cid> _oldMessageRoots = new(); // KeepAllMessages: message roots below the window
    private readonly bool _ownsStore;
    private Cid? _genesisStateLinked;
    private readonly object _leaseGate = new();
    private int _leases;
    private bool _disposing, _disposed;

    /// <summary>An empty engine with its own block store.</summary>
    public ChainStore(ChainStoreOptions? options = null) : this(options, null) { }

    /// <summary>An engine over <paramref name="store"/> (tests and benchmarks share a store; the caller disposes it).</summary>
    internal ChainStore(ChainStoreOptions? options, BlockStore? store)
    {
        Options = options ?? new ChainStoreOptions();
        Options.Validate();
        _ownsStore = store is null;
        Store = store ?? new BlockStore();
        Dag = new RefDag(Store) { MaxConcurrentFetches = Options.MaxConcurrentFetches, BulkLinkParallelism = Options.EffectiveImportParallelism };
    }

    public ChainStoreOptions Options { get; }
    /// <summary>The block store. Internal: its address-level members are safe only under the engine's rules; outside Core read <see cref="Stats"/>.</summary>
    internal BlockStore Store { get; }
    /// <summary>The reference-counted DAG over <see cref="Store"/> (internal for the same reason).</summary>
    internal RefDag Dag { get; }

    /// <summary>Counters of what the engine holds (cheap; safe to call at any time, also after disposal).</summary>
    public ChainStoreStats Stats => new()
    {
        Blocks = Store.Count, DataBytes = Store.DataBytes, CidBytes = Store.CidBytes, ArenaBytes = Store.ArenaBytes,
        IndexBytes = Store.IndexBytes, BlocksFetched = Dag.BlocksFetched, BadBlocksRefused = Dag.BadBlocksRefused,
        WindowTipSets = Window.Count,
    };

    /// <summary>True when the messages of every block of <paramref name="ts"/> are in the store (an imported snapshot may lack them).</summary>
    public bool HoldsMessages(TipSet ts) => ts.Headers.All(h => Store.Contains(h.Messages.Bytes));

    /// <summary>The current head, or null before <see cref="BootstrapAsync"/>.</summary>
    public TipSet? Head { get { lock (_chain) return _chain.Count == 0 ? null : _chain[^1].Ts; } }

    /// <summary>The genesis tipset (set by bootstrap).</summary>
    public TipSet? Genesis { get; private set; }

    /// <summary>Tipsets held, ascending (head last).</summary>
    public IReadOnlyList<TipSet> Window { get { lock (_chain) return _chain.Select(e => e.Ts).ToArray(); } }

    /// <summary>
    /// The largest N a snapshot at <paramref name="ts"/> (default: head) can use: the number of heights down from it
    /// whose state (and messages) are all held.
    /// </summary>
    public long AvailableRecentStateRoots(TipSet? ts = null)
    {
        lock (_chain)
        {
            int top = ts is null ? _chain.Count - 1 : _chain.FindIndex(e => e.Ts.KeyEquals(ts.Cids));
            if (top < 0) return -1;
            long h = _chain[top].Ts.Height;
            int i = top;
            while (i >= 0 && _chain[i].StateLinked && _chain[i].MessagesLinked) i--;
            if (i >= 0) return h - _chain[i].Ts.Height;           // the tipset at _chain[i] lacks state
            if (_chain[0].Ts.Height == 0) return long.MaxValue;   // every height down to genesis is held
            return h - _chain[0].Ts.Height + 1;
        }
    }

    // ------------------------------------------------------------------ bootstrap

    /// <summary>
    /// Starts the engine at <paramref name="head"/>: pins every header back to genesis (and the genesis parent
    /// block), links the genesis state and the window. With <paramref name="source"/> null (import), blocks must be
    /// in the store already (staged): a tipset whose state root is absent is kept without state, as a Lotus
    /// snapshot with a smaller N holds.
    /// </summary>
    public async Task BootstrapAsync(TipSet head, IBlockSource? source, CancellationToken ct = default)
    {
        using var lease = Lease();
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_chain.Count > 0) throw new InvalidOperationException("the engine is already bootstrapped");
            // a failed attempt (a dropped connection, a cancel) releases everything it took, so it can be retried
            var pinned = new List<Cid>();
            var linked = new List<Cid>();
            try
            {
                await BootstrapCoreAsync(head, source, pinned, linked, ct).ConfigureAwait(false);
            }
            catch
            {
                for (int i = linked.Count - 1; i >= 0; i--) Dag.Unlink(linked[i]);
                for (int i = pinned.Count - 1; i >= 0; i--) UnpinHeader(pinned[i]);
                _oldMessageRoots.Clear();
                Genesis = null;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task BootstrapCoreAsync(TipSet head, IBlockSource? source, List<Cid> pinned, List<Cid> linked, CancellationToken ct)
    {
        await PinHeaderChainAsync(head, source, pinned, ct).ConfigureAwait(false);
        long bottom = head.Height - Options.RecentStateRoots - Options.ReorgDepth;
        var entries = new List<Entry>();
        var ts = head;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            entries.Add(new Entry(ts));
            if (ts.Height == 0 || ts.Height <= bottom + 1) break;
            ts = TipSet.Load(Store, ts.Parents);
        }
        entries.Reverse();
        bool importMode = source is null;
        // An import links every root in one walk over the staged blocks (RefDag.LinkStagedAsync: the same counts
        // as root by root, in levels wide enough to split among threads); a follower links root by root, fetching.
        var staged = importMode ? new List<Cid>() : null;
        foreach (var e in entries)
        {
            bool state = !importMode || e.Ts.Headers.All(h => Store.Contains(h.ParentStateRoot.Bytes));
            bool msgs = !importMode || e.Ts.Headers.All(h => Store.Contains(h.Messages.Bytes));
            if (staged is not null)
            {
                if (state) staged.AddRange(e.Ts.Headers.Select(h => h.ParentStateRoot));
                if (msgs) staged.AddRange(e.Ts.Headers.Select(h => h.Messages));
            }
            else
            {
                if (state) await LinkRootsAsync(e.Ts.Headers.Select(h => h.ParentStateRoot), source, linked, ct).ConfigureAwait(false);
                if (msgs) await LinkRootsAsync(e.Ts.Headers.Select(h => h.Messages), source, linked, ct).ConfigureAwait(false);
            }
            e.StateLinked = state;
            e.MessagesLinked = msgs;
        }
        if (Options.KeepAllMessages && entries[0].Ts.Height > 0)
        {
            ts = TipSet.Load(Store, entries[0].Ts.Parents);
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                foreach (var h in ts.Headers)
                {
                    if (importMode && !Store.Contains(h.Messages.Bytes))
                        throw new BlockUnavailableException(h.Messages, $"messages at height {h.Height} are not in the snapshot (import without KeepAllMessages)");
                    if (staged is not null) staged.Add(h.Messages);
                    else await LinkRootsAsync([h.Messages], source, linked, ct).ConfigureAwait(false);
                    _oldMessageRoots.Add(h.Messages);
                }
                if (ts.Height == 0) break;
                ts = TipSet.Load(Store, ts.Parents);
            }
        }
        var gstate = Genesis!.Headers[0].ParentStateRoot;
        if (staged is not null)
        {
            staged.Add(gstate);
            await Dag.LinkStagedAsync(staged, ct).ConfigureAwait(false);
        }
        else
        {
            await LinkRootsAsync([gstate], source, linked, ct).ConfigureAwait(false);
        }
        _genesisStateLinked = gstate;
        lock (_chain) _chain.AddRange(entries);
    }

    private async Task PinHeaderChainAsync(TipSet head, IBlockSource? source, List<Cid> pinned, CancellationToken ct)
    {
        for (int i = 0; i < head.Cids.Count; i++)
        {
            await PinHeaderAsync(head.Cids[i], head.RawHeaders[i], null, ct).ConfigureAwait(false);
            pinned.Add(head.Cids[i]);
        }
        var queue = new Queue<Cid>();
        if (head.Height > 0) foreach (var h in head.Parents) queue.Enqueue(h);
        else Genesis = head;
        while (queue.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var c = queue.Dequeue();
            long addr = Store.Find(c.Bytes);
            if (addr >= 0 && Store.GetPins(addr) > 0) continue;
            var raw = await PinHeaderAsync(c, null, source, ct).ConfigureAwait(false);
            pinned.Add(c);
            var h = source is null ? HeaderLinks.Read(raw) : HeaderLinks.ReadFetched(c, raw);
            if (h.Height > 0)
            {
                foreach (var p in h.Parents) queue.Enqueue(p);
            }
            else
            {
                Genesis ??= new TipSet(new[] { c }, new[] { raw });
            }
        }
        if (Genesis is null) throw new InvalidOperationException("the header chain does not reach a height-0 block");
        foreach (var gp in Genesis.Headers[0].Parents)
        {
            if (!DagLinks.IsStorable(gp.Bytes)) continue;
            await PinHeaderAsync(gp, null, source, ct).ConfigureAwait(false);
            pinned.Add(gp);
        }
    }

    private async Task<byte[]> PinHeaderAsync(Cid cid, byte[]? raw, IBlockSource? source, CancellationToken ct)
    {
        long addr = Store.Find(cid.Bytes);
        if (addr >= 0)
        {
            Store.AddPins(addr, 1);
            return raw ?? Store.GetCopy(cid.Bytes)!;
        }
        if (raw is null)
        {
            if (source is null) throw new BlockUnavailableException(cid, "block header not in the snapshot");
            raw = (await Dag.FetchVerifiedAsync(cid, source, ct).ConfigureAwait(false)).ToArray();
        }
        Store.Insert(cid.Bytes, raw, 0, 1);
        return raw;
    }

    private void UnpinHeader(Cid cid)
    {
        long addr = Store.Find(cid.Bytes);
        if (addr < 0) throw new InvalidOperationException($"header {cid} is not in the store");
        Store.AddPins(addr, -1);
        if (Store.GetPins(addr) == 0 && Store.GetRefs(addr) == 0) Store.Remove(addr);
    }

    /// <summary>Links every root or none; the linked roots are added to <paramref name="linked"/> (for a caller's rollback).</summary>
    private async Task LinkRootsAsync(IEnumerable<Cid> roots, IBlockSource? source, List<Cid>? linked, CancellationToken ct)
    {
        var done = new List<Cid>();
        try
        {
            foreach (var r in roots)
            {
                await Dag.LinkAsync(r, source, ct: ct).ConfigureAwait(false);
                done.Add(r);
            }
            linked?.AddRange(done);
        }
        catch
        {
            foreach (var r in done) Dag.Unlink(r);
            throw;
        }
    }

    private void UnlinkEntry(Entry e, bool keepMessages)
    {
        if (e.StateLinked) foreach (var h in e.Ts.Headers) Dag.Unlink(h.ParentStateRoot);
        if (e.MessagesLinked)
        {
            if (keepMessages) _oldMessageRoots.AddRange(e.Ts.Headers.Select(h => h.Messages));
            else foreach (var h in e.Ts.Headers) Dag.Unlink(h.Messages);
        }
        e.StateLinked = e.MessagesLinked = false;
    }

    // ------------------------------------------------------------------ apply / revert

    /// <summary>
    /// Applies the tipset on top of the head: stores and pins its headers, links its blocks' Messages and
    /// ParentStateRoot (fetching missing blocks from <paramref name="source"/>), then slides the window. On failure
    /// the engine is unchanged.
    /// </summary>
    public async Task ApplyAsync(TipSet ts, IBlockSource source, CancellationToken ct = default)
    {
        using var lease = Lease();
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var head = _chain.Count > 0 ? _chain[^1].Ts : throw new InvalidOperationException("bootstrap the engine before applying tipsets");
            if (!head.KeyEquals(ts.Parents))
                throw new InvalidOperationException($"tipset {ts} does not extend the head {head} (its parents are {string.Join(",", ts.Parents)})");
            if (ts.Height <= head.Height)
                throw new InvalidOperationException($"tipset height {ts.Height} is not above the head height {head.Height}");
            var pinned = new List<Cid>();
            var e = new Entry(ts);
            try
            {
                for (int i = 0; i < ts.Cids.Count; i++)
                {
                    await PinHeaderAsync(ts.Cids[i], ts.RawHeaders[i], null, ct).ConfigureAwait(false);
                    pinned.Add(ts.Cids[i]);
                }
                await LinkRootsAsync(ts.Headers.Select(h => h.ParentStateRoot), source, null, ct).ConfigureAwait(false);
                e.StateLinked = true;
                await LinkRootsAsync(ts.Headers.Select(h => h.Messages), source, null, ct).ConfigureAwait(false);
                e.MessagesLinked = true;
            }
            catch
            {
                if (e.StateLinked) foreach (var h in ts.Headers) Dag.Unlink(h.ParentStateRoot);
                foreach (var c in pinned) UnpinHeader(c);
                throw;
            }
            lock (_chain) _chain.Add(e);
            Slide();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Slide()
    {
        long h = _chain[^1].Ts.Height;
        long keepAbove = h - Options.RecentStateRoots - Options.ReorgDepth;
        while (_chain.Count > 1 && _chain[0].Ts.Height <= keepAbove)
        {
            var e = _chain[0];
            UnlinkEntry(e, Options.KeepAllMessages);
            lock (_chain) _chain.RemoveAt(0);
        }
    }

    /// <summary>
    /// Reverts the head tipset: unpins its headers and keeps its roots linked among the last K reverted (released
    /// when pushed out), so re-applying a sibling that shares state fetches little. If the window below falls
    /// under N heights, the tipsets below are linked again (fetching via <paramref name="source"/>).
    /// </summary>
    public async Task RevertAsync(TipSet ts, IBlockSource? source, CancellationToken ct = default)
    {
        using var lease = Lease();
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_chain.Count == 0 || !_chain[^1].Ts.KeyEquals(ts.Cids))
                throw new InvalidOperationException($"tipset {ts} is not the head {(_chain.Count == 0 ? "(none)" : _chain[^1].Ts.ToString())}");
            if (ts.Height == 0) throw new InvalidOperationException("genesis cannot be reverted");
            var e = _chain[^1];
            if (_chain.Count == 1)
            {
                // the parent is below the window: bring it in first
                var parent = new Entry(TipSet.Load(Store, ts.Parents));
                await LinkEntryAsync(parent, source, ct).ConfigureAwait(false);
                lock (_chain) _chain.Insert(0, parent);
            }
            lock (_chain) _chain.RemoveAt(_chain.Count - 1);
            foreach (var c in ts.Cids) UnpinHeader(c);
            _reverted.Enqueue(e);
            while (_reverted.Count > Options.ReorgDepth) UnlinkEntry(_reverted.Dequeue(), keepMessages: false);
            // keep at least N heights of state below the new head
            long newHead = _chain[^1].Ts.Height;
            while (_chain[0].Ts.Height > 0 && _chain[0].Ts.Height > newHead - Options.RecentStateRoots + 1)
            {
                var below = new Entry(TipSet.Load(Store, _chain[0].Ts.Parents));
                await LinkEntryAsync(below, source, ct).ConfigureAwait(false);
                lock (_chain) _chain.Insert(0, below);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LinkEntryAsync(Entry e, IBlockSource? source, CancellationToken ct)
    {
        await LinkRootsAsync(e.Ts.Headers.Select(h => h.ParentStateRoot), source, null, ct).ConfigureAwait(false);
        e.StateLinked = true;
        try
        {
            if (Options.KeepAllMessages)
            {
                // its messages were kept below the window: move them back
                foreach (var h in e.Ts.Headers) _oldMessageRoots.Remove(h.Messages);
            }
            else
            {
                await LinkRootsAsync(e.Ts.Headers.Select(h => h.Messages), source, null, ct).ConfigureAwait(false);
            }
            e.MessagesLinked = true;
        }
        catch
        {
            foreach (var h in e.Ts.Headers) Dag.Unlink(h.ParentStateRoot);
            e.StateLinked = false;
            throw;
        }
    }

    // ------------------------------------------------------------------ snapshot pins

    /// <summary>What a snapshot walk from <paramref name="ts"/> with N recent state roots reads, pinned until disposed.</summary>
    /// <remarks>
    /// The pin also holds a lease on the engine: <see cref="Dispose"/> waits until every pin is released, so a walk
    /// never reads a store whose memory was freed under it.
    /// </remarks>
    public async Task<IDisposable> PinForSnapshotAsync(TipSet ts, long recentStateRoots, bool skipOldMessages, CancellationToken ct = default)
    {
        var lease = Lease();
        bool pinned = false;
        try
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
        try
        {
            int top = _chain.FindIndex(e => e.Ts.KeyEquals(ts.Cids));
            if (top < 0) throw new ArgumentException($"tipset {ts} is not in the engine's window", nameof(ts));
            long available = AvailableRecentStateRoots(ts);
            if (recentStateRoots > available)
                throw new ArgumentOutOfRangeException(nameof(recentStateRoots), recentStateRoots, $"the engine holds state for only {available} heights below {ts.Height}");
            if (!skipOldMessages && !(Options.KeepAllMessages || (_chain[0].Ts.Height == 0 && _chain.Take(top + 1).All(x => x.MessagesLinked))))
                throw new InvalidOperationException("messages older than the window are not held: use skip-old-messages, or run the engine with KeepAllMessages");
            var roots = new List<Cid>();
            var headers = new List<Cid>();
            for (int i = top; i >= 0; i--)
            {
                var e = _chain[i];
                headers.AddRange(e.Ts.Cids);
                bool inWindow = e.Ts.Height > ts.Height - recentStateRoots;
                if (inWindow) roots.AddRange(e.Ts.Headers.Select(h => h.ParentStateRoot));
                if (inWindow || !skipOldMessages) roots.AddRange(e.Ts.Headers.Select(h => h.Messages));
            }
            if (!skipOldMessages) roots.AddRange(_oldMessageRoots);
            if (_genesisStateLinked is { } g) roots.Add(g);
            await LinkRootsAsync(roots, null, null, ct).ConfigureAwait(false);
            foreach (var c in headers) Store.AddPins(Store.Find(c.Bytes), 1);
            pinned = true;
            return new Pin(this, roots, headers, lease);
        }
        finally
        {
            _gate.Release();
            if (!pinned) lease.Dispose();
        }
    }

    private sealed class Pin(ChainStore engine, List<Cid> roots, List<Cid> headers, IDisposable lease) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            engine._gate.Wait();
            try
            {
                foreach (var r in roots) engine.Dag.Unlink(r);
                foreach (var h in headers) engine.UnpinHeader(h);
            }
            finally
            {
                engine._gate.Release();
                lease.Dispose();
            }
        }
    }

    // ------------------------------------------------------------------ leases and disposal

    /// <summary>
    /// A claim that keeps the engine's memory alive: every operation that reads or changes the store (bootstrap,
    /// apply, revert, snapshot pins and the walks under them, the invariant check, the HTTP server's block reads)
    /// holds one. Throws <see cref="ObjectDisposedException"/> once <see cref="Dispose"/> has begun.
    /// </summary>
    internal IDisposable Lease()
    {
        lock (_leaseGate)
        {
            ObjectDisposedException.ThrowIf(_disposing, this);
            _leases++;
        }
        return new LeaseHandle(this);
    }

    /// <summary>True once <see cref="Dispose"/> has begun: no new operation is accepted.</summary>
    public bool IsDisposed { get { lock (_leaseGate) return _disposing; } }

    private sealed class LeaseHandle(ChainStore engine) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            lock (engine._leaseGate)
            {
                if (--engine._leases == 0) Monitor.PulseAll(engine._leaseGate);
            }
        }
    }

    // ------------------------------------------------------------------ invariant

    /// <summary>
    /// Recomputes from scratch, from the head's chain and window, the direct links, the set of blocks and every
    /// reference and pin count, and compares them with the store. Throws <see cref="InvalidOperationException"/>
    /// describing the first difference. Takes the engine gate (no Apply/Revert meanwhile); call it with no snapshot
    /// pin held.
    /// </summary>
    public void VerifyInvariant()
    {
        using var lease = Lease();
        _gate.Wait();
        try
        {
            if (_chain.Count == 0) { if (Store.Count != 0) throw new InvalidOperationException("no head but the store holds blocks"); return; }
            // 1. the chain is contiguous, and the expected direct links
            var expectedDirect = new Dictionary<Cid, long>();
            void Add(Cid c) => expectedDirect[c] = expectedDirect.GetValueOrDefault(c) + 1;
            for (int i = 0; i < _chain.Count; i++)
            {
                var e = _chain[i];
                if (i > 0 && !_chain[i - 1].Ts.KeyEquals(e.Ts.Parents)) throw new InvalidOperationException($"the window is not a chain at {e.Ts}");
                if (e.StateLinked) foreach (var h in e.Ts.Headers) Add(h.ParentStateRoot);
                if (e.MessagesLinked) foreach (var h in e.Ts.Headers) Add(h.Messages);
            }
            foreach (var e in _reverted)
            {
                if (e.StateLinked) foreach (var h in e.Ts.Headers) Add(h.ParentStateRoot);
                if (e.MessagesLinked) foreach (var h in e.Ts.Headers) Add(h.Messages);
            }
            foreach (var m in _oldMessageRoots) Add(m);
            if (_genesisStateLinked is { } gs) Add(gs);
            var actualDirect = Dag.DirectLinks;
            foreach (var (c, n) in expectedDirect)
                if (actualDirect.GetValueOrDefault(c) != n) throw new InvalidOperationException($"root {c}: {actualDirect.GetValueOrDefault(c)} direct links, expected {n}");
            foreach (var (c, n) in actualDirect)
                if (!expectedDirect.ContainsKey(c)) throw new InvalidOperationException($"root {c} is linked directly {n} times but is no window root");

            // 2. expected reference counts: direct + edges from every reachable block
            var expectedRefs = new Dictionary<Cid, long>();
            var stack = new Stack<Cid>();
            foreach (var (c, n) in expectedDirect)
            {
                bool first = !expectedRefs.ContainsKey(c);
                expectedRefs[c] = expectedRefs.GetValueOrDefault(c) + n;
                if (first) stack.Push(c);
            }
            var children = new CidList();
            while (stack.Count > 0)
            {
                var c = stack.Pop();
                var data = Store.GetCopy(c.Bytes) ?? throw new InvalidOperationException($"block {c} is reachable from the window but not stored");
                children.Clear();
                DagLinks.AddChildren(c.Bytes, data, children);
                int pos = 0;
                for (int k = 0; k < children.Count; k++)
                {
                    var ch = Cid.FromBytes(children.Read(ref pos));
                    bool first = !expectedRefs.ContainsKey(ch);
                    expectedRefs[ch] = expectedRefs.GetValueOrDefault(ch) + 1;
                    if (first) stack.Push(ch);
                }
            }

            // 3. expected pins: every header from the head to genesis, and the genesis parents
            var expectedPins = new Dictionary<Cid, int>();
            var queue = new Queue<Cid>(_chain[^1].Ts.Cids);
            while (queue.Count > 0)
            {
                var c = queue.Dequeue();
                if (expectedPins.ContainsKey(c)) continue;
                expectedPins[c] = 1;
                var raw = Store.GetCopy(c.Bytes) ?? throw new InvalidOperationException($"header {c} is not stored");
                var h = HeaderLinks.Read(raw);
                if (h.Height > 0) foreach (var p in h.Parents) queue.Enqueue(p);
                else foreach (var p in h.Parents) if (DagLinks.IsStorable(p.Bytes)) expectedPins[p] = expectedPins.GetValueOrDefault(p) + 1;
            }

            // 4. compare with every stored block
            long checkedBlocks = 0;
            foreach (long a in Store.Addresses())
            {
                var c = Cid.FromBytes(Store.GetCid(a));
                long refs = Store.GetRefs(a);
                int pins = Store.GetPins(a);
                if (refs != expectedRefs.GetValueOrDefault(c)) throw new InvalidOperationException($"block {c}: {refs} references, expected {expectedRefs.GetValueOrDefault(c)}");
                if (pins != expectedPins.GetValueOrDefault(c)) throw new InvalidOperationException($"block {c}: {pins} header pins, expected {expectedPins.GetValueOrDefault(c)}");
                if (refs == 0 && pins == 0) throw new InvalidOperationException($"block {c} is stored but neither referenced nor pinned");
                checkedBlocks++;
            }
            long expectedCount = expectedRefs.Keys.Union(expectedPins.Keys).LongCount();
            if (checkedBlocks != expectedCount) throw new InvalidOperationException($"store holds {checkedBlocks} blocks, expected {expectedCount}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Refuses new operations, waits for the running ones (a snapshot walk, an apply) to finish, then frees the
    /// store. A caller that must not wait for a long walk cancels it first.
    /// </summary>
    public void Dispose()
    {
        lock (_leaseGate)
        {
            if (_disposed) return;
            _disposing = true;
            while (_leases > 0) Monitor.Wait(_leaseGate);
            if (_disposed) return; // another caller freed it while this one waited
            _disposed = true;
        }
        if (_ownsStore) Store.Dispose();
    }
}
