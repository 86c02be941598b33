using FilFil.Core.Ipld;
using FilFil.Core.Logging;
using Serilog;

namespace FilFil.Core.Store;

/// <summary>
/// saaf's indirect reference counting over a <see cref="BlockStore"/> (ZenGround0/saaf <c>DAG.Link/Unlink</c>):
/// <c>refs(x)</c> = direct links of x + edges into x from held blocks (a duplicate link counts twice, on both
/// sides). <see cref="LinkAsync"/> walks only blocks not yet held and increments the rest; <see cref="Unlink"/>
/// decrements and frees at zero, iteratively.
/// <para>
/// Differences from saaf, fixing its known faults: a block is fetched and its hash verified before it is stored
/// with its count (saaf sets the count first); store and source errors propagate and a failed Link leaves the
/// store exactly as before (every increment of the call is rolled back and its new blocks removed); only roots
/// linked directly can be unlinked (direct counts are tracked per root); frontiers are fetched concurrently.
/// </para>
/// <para>
/// A block present with zero references (staged by an import, or a pinned header) is "not held": linking it
/// counts it and descends into its children without fetching. Link and Unlink are serialised by an internal
/// gate; readers of the store run concurrently.
/// </para>
/// </summary>
internal sealed class RefDag
{
    private static readonly ILogger Log = FilFilLog.For<RefDag>();
    private readonly Dictionary<Cid, long> _direct = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public RefDag(BlockStore store) => Store = store;

    public BlockStore Store { get; }

    /// <summary>Most blocks fetched at once from a source (default 64).</summary>
    public int MaxConcurrentFetches { get; init; } = 64;

    /// <summary>
    /// Threads a bulk link (<c>trackRollback: false</c>, an import) splits each large breadth-first level among
    /// (default 1). The counts, and the order of the next level and of missing blocks, are the same as with one.
    /// </summary>
    public int BulkLinkParallelism { get; init; } = 1;

    /// <summary>Levels split among threads so far.</summary>
    internal long ParallelLevels => Interlocked.Read(ref _parallelLevels);
    private long _parallelLevels;

    /// <summary>Smallest level split among threads (smaller ones cost more to hand out than to scan).</summary>
    private const int ParallelLevelMin = 2048;

    /// <summary>Attempts per block before a fetch or hash failure is final (default 6; a transport failure is final at once).</summary>
    public int FetchAttempts { get; init; } = 6;

    /// <summary>Wait after a block's first failed fetch, doubled after each next one (default 20 ms).</summary>
    public TimeSpan FetchRetryDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Blocks fetched from sources so far.</summary>
    public long BlocksFetched => Interlocked.Read(ref _fetched);
    private long _fetched;

    /// <summary>Blocks refused because their bytes did not match their CID.</summary>
    public long BadBlocksRefused => Interlocked.Read(ref _refused);
    private long _refused;

    /// <summary>Direct link counts per root (a copy).</summary>
    public IReadOnlyDictionary<Cid, long> DirectLinks
    {
        get { lock (_direct) return new Dictionary<Cid, long>(_direct); }
    }

    public long DirectCount(Cid root)
    {
        lock (_direct) return _direct.GetValueOrDefault(root);
    }

    /// <summary>
    /// Links <paramref name="root"/>: counts it and every block under it that is not yet held, fetching missing
    /// blocks from <paramref name="source"/> (null: everything must already be in the store). Non-storable roots
    /// (identity, other codecs) are refused with <see cref="ArgumentException"/>.
    /// </summary>
    /// <param name="trackRollback">When false (bulk import), a failure leaves partial counts: the caller discards the store.</param>
    public async Task LinkAsync(Cid root, IBlockSource? source, bool trackRollback = true, CancellationToken ct = default)
    {
        if (!DagLinks.IsStorable(root.Bytes)) throw new ArgumentException($"{root} is not a storable block (identity hash or codec {Multicodec.CodecName(root.Codec)})", nameof(root));
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        var increments = trackRollback ? new List<long>() : null;
        var inserted = trackRollback ? new List<long>() : null;
        try
        {
            var current = new CidList(256);
            current.Add(root.Bytes);
            await LinkLevelsAsync(current, source, increments, inserted, ct).ConfigureAwait(false);
            lock (_direct) _direct[root] = _direct.GetValueOrDefault(root) + 1;
        }
        catch when (trackRollback)
        {
            for (int i = increments!.Count - 1; i >= 0; i--) Store.AddRefs(increments[i], -1);
            foreach (long a in inserted!) Store.Remove(a);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// An import's links: every root of <paramref name="roots"/> (one listed twice is linked twice) over blocks
    /// already staged, in one breadth-first walk, as <see cref="LinkAsync"/> with no source and no rollback gives
    /// root by root (the same counts: a block is descended into when it is first counted, whichever root reaches
    /// it). One walk makes the levels wide, so they are split among <see cref="BulkLinkParallelism"/> threads. On
    /// failure the counts are partial: the caller discards the store.
    /// </summary>
    internal async Task LinkStagedAsync(IReadOnlyList<Cid> roots, CancellationToken ct = default)
    {
        foreach (var root in roots)
            if (!DagLinks.IsStorable(root.Bytes)) throw new ArgumentException($"{root} is not a storable block (identity hash or codec {Multicodec.CodecName(root.Codec)})", nameof(roots));
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = new CidList(256);
            foreach (var root in roots) current.Add(root.Bytes);
            await LinkLevelsAsync(current, null, null, null, ct).ConfigureAwait(false);
            lock (_direct) foreach (var root in roots) _direct[root] = _direct.GetValueOrDefault(root) + 1;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The breadth-first walk of a link from <paramref name="current"/>; with <paramref name="increments"/> null
    /// (bulk, no rollback) large levels are split among threads. A level is a sequence of segments (ranges of CID
    /// lists) read in order. A split level's threads append the children of the chunks they claim to a list of
    /// their own and record each chunk's range, so the next level is those ranges in chunk order: nothing is copied
    /// into one list on one thread, and each thread's list keeps its capacity from level to level.
    /// </summary>
    private async Task LinkLevelsAsync(CidList current, IBlockSource? source, List<long>? increments, List<long>? inserted, CancellationToken ct)
    {
        int threads = increments is null ? Math.Max(1, BulkLinkParallelism) : 1;
        // two sets of lists, the level being read and the next one: one per thread, then one for fetched blocks' children
        var lists = new CidList[2][];
        for (int i = 0; i < 2; i++)
        {
            lists[i] = new CidList[threads + 1];
            for (int t = 0; t <= threads; t++) lists[i][t] = new CidList(256);
        }
        int set = 0;
        var level = new List<Segment> { new(current, 0, current.Count) };
        var nextLevel = new List<Segment>();
        var missingList = new CidList(64);
        try
        {
            while (true)
            {
                int count = 0;
                foreach (var seg in level) count += seg.Count;
                if (count == 0) break;
                ct.ThrowIfCancellationRequested();
                Dictionary<Cid, int>? missing = null;
                List<Cid>? missingOrder = null;
                missingList.Clear();
                var outputs = lists[set];
                foreach (var l in outputs) l.Clear();
                nextLevel.Clear();
                if (threads > 1 && count >= ParallelLevelMin)
                {
                    LinkLevelParallel(level, lists[set ^ 1], outputs, nextLevel, missingList);
                }
                else
                {
                    var next = outputs[0];
                    foreach (var seg in level) if (seg.Count > 0) Store.LinkLevel(seg.List, seg.Start, seg.Count, next, missingList, increments);
                    nextLevel.Add(new Segment(next, 0, next.Count));
                }
                int pos = 0;
                for (int k = 0; k < missingList.Count; k++)
                {
                    var cid = Cid.FromBytes(missingList.Read(ref pos));
                    missing ??= new Dictionary<Cid, int>();
                    missingOrder ??= new List<Cid>();
                    if (missing.TryGetValue(cid, out int n)) missing[cid] = n + 1;
                    else
                    {
                        missing[cid] = 1;
                        missingOrder.Add(cid);
                    }
                }
                if (missingOrder is not null)
                {
                    if (source is null) throw new BlockUnavailableException(missingOrder[0], "not in the store and no block source was given");
                    var fetched = await FetchAllAsync(missingOrder, source, ct).ConfigureAwait(false);
                    var tail = outputs[threads]; // the fetched blocks' children follow the level's
                    for (int k = 0; k < missingOrder.Count; k++)
                    {
                        var cid = missingOrder[k];
                        var data = fetched[k].Span;
                        long addr = Store.Insert(cid.Bytes, data, (uint)missing![cid]);
                        inserted?.Add(addr);
                        // the source's bytes hash right, but a node can still serve bytes that are not DAG-CBOR under a
                        // DAG-CBOR CID: name the block (the caller counts it like a corrupt one), not just an offset
                        try { DagLinks.AddChildren(cid.Bytes, data, tail); }
                        catch (FilFilFormatException e) { throw BlockUnavailableException.NotDecodable(cid, "DAG-CBOR", e); }
                    }
                    nextLevel.Add(new Segment(tail, 0, tail.Count));
                }
                (level, nextLevel) = (nextLevel, level);
                set ^= 1;
            }
        }
        finally
        {
            // the lists' chunks go back for the next walk (every thread of every level has finished with them)
            foreach (var pair in lists) foreach (var l in pair) l.Release();
            missingList.Release();
        }
    }

    /// <summary><see cref="Count"/> CIDs of <see cref="List"/> from byte position <see cref="Start"/>.</summary>
    private readonly record struct Segment(CidList List, int Start, int Count);

    /// <summary>
    /// One level, cut into chunks of at most <see cref="LevelChunk"/> CIDs of one segment, that this thread and up
    /// to <c>BulkLinkParallelism - 1</c> helpers claim one at a time, each first from the chunks in its own list of
    /// the level before (a helper the scheduler starts late finds nothing left and this thread never waits for it).
    /// The thread that links a chunk also cuts the chunk's children into the next level's chunks. A thread appends a chunk's children and missing blocks to
    /// its own lists of <paramref name="outputs"/>; the chunks' ranges join <paramref name="nextLevel"/>, and their
    /// missing blocks <paramref name="missing"/>, in chunk order, so the counts and lists are those of a single pass
    /// (only which duplicate of a block descends can differ). A failure is reported from the lowest chunk that
    /// failed, as a single pass would.
    /// </summary>
    private void LinkLevelParallel(List<Segment> level, CidList[] previous, CidList[] outputs, List<Segment> nextLevel, CidList missing)
    {
        var chunks = new List<Segment>();
        var owners = new List<int>();
        foreach (var seg in level)
        {
            // a split level's segments were cut by the threads that wrote them
            var cut = Cut(seg);
            chunks.AddRange(cut);
            for (int i = 0; i < cut.Length; i++) owners.Add(Math.Max(0, Array.IndexOf(previous, seg.List, 0, previous.Length - 1)));
        }
        var work = new Level(Store, chunks, owners, outputs);
        int helpers = Math.Min(BulkLinkParallelism - 1, chunks.Count - 1);
        for (int h = 0; h < helpers; h++) ThreadPool.UnsafeQueueUserWorkItem(static l => l.Work(l.Join()), work, preferLocal: false);
        work.Work(0);
        work.Done.Wait();
        work.Done.Dispose();
        Interlocked.Increment(ref _parallelLevels);
        foreach (var e in work.Errors) if (e is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        foreach (var next in work.Next) nextLevel.AddRange(next);
        foreach (var m in work.Missing)
        {
            int pos = m.Start;
            for (int k = 0; k < m.Count; k++) missing.Add(m.List.Read(ref pos));
        }
    }

    private const int LevelChunk = 1024;

    /// <summary>A segment as chunks of at most <see cref="LevelChunk"/> CIDs (none when it is empty).</summary>
    private static Segment[] Cut(Segment seg)
    {
        if (seg.Count <= LevelChunk) return seg.Count == 0 ? [] : [seg];
        var r = new Segment[(seg.Count + LevelChunk - 1) / LevelChunk];
        int pos = seg.Start;
        for (int i = 0; i < r.Length; i++)
        {
            int n = Math.Min(LevelChunk, seg.Count - i * LevelChunk), start = pos;
            if (i < r.Length - 1) seg.List.Skip(ref pos, n);
            r[i] = new Segment(seg.List, start, n);
        }
        return r;
    }

    /// <summary>
    /// One level being linked by several threads: the linking thread is thread 0, each helper that joins takes the
    /// next number and that thread's pair of output lists. A thread first claims the chunks that lie in its own list
    /// of the level before (the children it wrote, still in its core's cache), then the others'.
    /// </summary>
    private sealed class Level
    {
        private readonly BlockStore _store;
        private readonly List<Segment> _chunks;
        private readonly CidList[] _outputs;
        private readonly int[][] _queues; // per thread, the chunks in its list of the level before
        private readonly int[] _claimed; // per queue, how many of its chunks were claimed
        private int _finished, _joined;
        private readonly CidList[] _missing;

        public Level(BlockStore store, List<Segment> chunks, List<int> owners, CidList[] outputs)
        {
            (_store, _chunks, _outputs) = (store, chunks, outputs);
            int threads = outputs.Length - 1;
            _missing = new CidList[threads];
            _claimed = new int[threads];
            var queues = new List<int>[threads];
            for (int t = 0; t < threads; t++) queues[t] = new List<int>();
            for (int c = 0; c < chunks.Count; c++) queues[Math.Min(owners[c], threads - 1)].Add(c);
            _queues = Array.ConvertAll(queues, q => q.ToArray());
            Errors = new Exception?[chunks.Count];
            Next = new Segment[chunks.Count][];
            Missing = new Segment[chunks.Count];
        }

        public Exception?[] Errors { get; }
        /// <summary>Each chunk's children, as ranges of the list of the thread that linked it, cut into chunks there.</summary>
        public Segment[][] Next { get; }
        /// <summary>Each chunk's missing blocks, likewise.</summary>
        public Segment[] Missing { get; }
        public ManualResetEventSlim Done { get; } = new(false);

        /// <summary>A helper's thread number (1, 2, ...).</summary>
        public int Join() => Interlocked.Increment(ref _joined);

        public void Work(int t)
        {
            var next = _outputs[t];
            var missing = _missing[t] = new CidList(64);
            for (int i = 0; i < _queues.Length; i++)
            {
                int q = (t + i) % _queues.Length, k;
                var queue = _queues[q];
                while ((k = Interlocked.Increment(ref _claimed[q]) - 1) < queue.Length)
                {
                    int c = queue[k];
                    var chunk = _chunks[c];
                    int nextAt = next.ByteLength, nextCount = next.Count, missingAt = missing.ByteLength, missingCount = missing.Count;
                    try { _store.LinkLevel(chunk.List, chunk.Start, chunk.Count, next, missing, null); }
                    catch (Exception e) { Errors[c] = e; }
                    Next[c] = Cut(new Segment(next, nextAt, next.Count - nextCount));
                    Missing[c] = new Segment(missing, missingAt, missing.Count - missingCount);
                    if (Interlocked.Increment(ref _finished) == _chunks.Count) Done.Set();
                }
            }
        }
    }

    private async Task<ReadOnlyMemory<byte>[]> FetchAllAsync(List<Cid> cids, IBlockSource source, CancellationToken ct)
    {
        var results = new ReadOnlyMemory<byte>[cids.Count];
        if (cids.Count == 1)
        {
            results[0] = await FetchVerifiedAsync(cids[0], source, ct).ConfigureAwait(false);
            return results;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sem = new SemaphoreSlim(Math.Max(1, MaxConcurrentFetches));
        var tasks = new Task[cids.Count];
        for (int i = 0; i < cids.Count; i++)
        {
            int k = i;
            tasks[k] = Task.Run(async () =>
            {
                await sem.WaitAsync(linked.Token).ConfigureAwait(false);
                try { results[k] = await FetchVerifiedAsync(cids[k], source, linked.Token).ConfigureAwait(false); }
                catch { linked.Cancel(); throw; }
                finally { sem.Release(); }
            }, linked.Token);
        }
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            // report the first real failure rather than the cancellations it caused
            var real = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault();
            ct.ThrowIfCancellationRequested();
            if (real is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(real);
            throw;
        }
        return results;
    }

    /// <summary>
    /// A block from <paramref name="source"/>, its hash verified: a failed read (not a transport failure) or bad bytes
    /// are retried up to <see cref="FetchAttempts"/> times with backoff (<see cref="Retry"/>); the last failure is
    /// reported as a <see cref="BlockUnavailableException"/>.
    /// </summary>
    internal async Task<ReadOnlyMemory<byte>> FetchVerifiedAsync(Cid cid, IBlockSource source, CancellationToken ct)
    {
        if (!Hashing.CanVerify(cid.HashCode))
            throw new BlockUnavailableException(cid, $"its hash function {Multicodec.HashName(cid.HashCode)} cannot be verified");
        try
        {
            return await Retry.RunAsync(async c =>
            {
                var data = await source.GetAsync(cid, c).ConfigureAwait(false);
                Interlocked.Increment(ref _fetched);
                if (data.Length <= BlockStore.MaxDataLength && cid.Verify(data.Span)) return data;
                Interlocked.Increment(ref _refused);
                throw new BlockUnavailableException(cid, $"the source returned {data.Length} bytes that do not hash to it", corrupt: true);
            }, Math.Max(1, FetchAttempts), FetchRetryDelay,
            (e, attempt, _) => Log.Warning("Fetch of {Cid} failed (attempt {Attempt} of {Attempts}): {Error:l}; retrying", cid, attempt, FetchAttempts, e.Message),
            ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not BlockUnavailableException)
        {
            throw new BlockUnavailableException(cid, $"fetch failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// Unlinks a root linked directly before: decrements it, and at zero frees it (unless pinned as a header) and
    /// decrements its children, iteratively.
    /// </summary>
    public void Unlink(Cid root)
    {
        _gate.Wait();
        try
        {
            lock (_direct)
            {
                if (!_direct.TryGetValue(root, out long n) || n == 0)
                    throw new InvalidOperationException($"{root} was not linked directly and cannot be unlinked");
                if (n == 1) _direct.Remove(root); else _direct[root] = n - 1;
            }
            var stack = new CidList(256);
            var starts = new List<int>();
            starts.Add(0);
            stack.Add(root.Bytes);
            var children = new CidList(256);
            while (!stack.IsEmpty)
            {
                var c = stack.Pop(starts);
                long addr = Store.Find(c);
                if (addr < 0) throw new InvalidOperationException($"reference count invariant broken: {Cid.FromBytes(c)} is counted but not stored");
                uint before = Store.AddRefs(addr, -1);
                if (before != 1) continue;
                children.Clear();
                DagLinks.AddChildren(c, Store.GetData(addr), children);
                if (Store.GetPins(addr) == 0) Store.Remove(addr);
                int pos = 0;
                for (int k = 0; k < children.Count; k++)
                {
                    starts.Add(stack.ByteLength);
                    stack.Add(children.Read(ref pos));
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
