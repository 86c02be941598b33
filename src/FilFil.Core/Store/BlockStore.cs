using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using FilFil.Core.Ipld;

namespace FilFil.Core.Store;

/// <summary>
/// An in-memory block store for 10^8 blocks with no .NET object per block.
/// <para>
/// Memory layout: records live in native arena chunks (<see cref="NativeMemory"/>, default 64 MiB each, never
/// moved, so a record's address is stable for its lifetime). Chunks and index tables come from a
/// <see cref="PagePool"/> and go back to it on dispose, so the next store reuses pages already touched. A record is 8-byte aligned:
/// <c>[u32 refs | u32 meta | CID bytes | block bytes]</c>, where <c>refs</c> holds the DAG reference count (low 30
/// bits) and two walk marks (bits 30, 31), and <c>meta</c> packs the data length (22 bits), the CID length (7 bits)
/// and a small header pin count (3 bits). Freed records go to per-size-class free lists (exact 8-byte classes up
/// to 8 KiB, then eight classes per power of two) threaded through the freed memory itself.
/// </para>
/// <para>
/// The index is a native open-addressing table (linear probing, backward-shift deletion, no tombstones) of 64-bit
/// slots: 40 bits of record address / 8 and a 24-bit fingerprint, keyed by a hash of the CID's multihash digest;
/// lookups compare the full CID so two codecs over one digest are two entries. It doubles at 3/4 load.
/// </para>
/// <para>
/// Thread safety: every public member takes a <see cref="ReaderWriterLockSlim"/> (reads shared, writes
/// exclusive), so readers run concurrently with one writer. An import inserts whole runs of blocks from several
/// threads at once (<see cref="InsertRun"/>): under the shared lock, with index slots claimed by compare-and-swap
/// and records carved from the arena under a short arena lock. <see cref="GetData(long)"/> and <see cref="GetCid"/>
/// return views into the arena that stay valid as long as the block is held (refs or pins above zero); the caller
/// guarantees that (the engine pins what a snapshot walk reads).
/// </para>
/// </summary>
internal sealed unsafe class BlockStore : IDisposable
{
    public const int MaxDataLength = (1 << 22) - 1;
    public const int MaxCidLength = 127;
    public const int MaxPins = 7;
    public const uint MaxRefs = (1u << 30) - 1;
    internal const uint RefMask = (1u << 30) - 1;
    internal const uint SeenMark = 1u << 30;
    internal const uint WalkedMark = 1u << 31;
    private const int RecordHeader = 8;
    private const int SmallClassLimit = 8192;
    private const int ClassCount = 1025 + 8 * 20;
    private const ulong AddrMask = (1UL << 40) - 1;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly int _chunkShift;
    private readonly long _chunkSize;
    private nint[] _chunks = new nint[16];
    private int _chunkCount;
    private long _bump; // offset of the next free byte in the last chunk
    private readonly long[] _freeHeads = new long[ClassCount];
    private ulong* _slots;
    private int _log2Capacity;
    private long _count;
    private long _inflight; // index slots promised to runs being inserted under the shared lock (0 under the write lock)
    private readonly object _arenaGate = new(); // the arena and free lists, for runs inserted under the shared lock
    private readonly PagePool _pages;
    private bool _disposed;

    /// <param name="initialCapacityLog2">log2 of the initial index size (slots).</param>
    /// <param name="chunkSizeLog2">log2 of the arena chunk size (23 = 8 MiB .. 30 = 1 GiB; default 64 MiB).</param>
    /// <param name="pages">Where arena chunks and index tables come from and go back to (default: the process's <see cref="PagePool.Shared"/>).</param>
    public BlockStore(int initialCapacityLog2 = 16, int chunkSizeLog2 = 26, PagePool? pages = null)
    {
        _pages = pages ?? PagePool.Shared;
        if (chunkSizeLog2 is < 23 or > 30) throw new ArgumentOutOfRangeException(nameof(chunkSizeLog2), chunkSizeLog2, "use 23 (8 MiB) to 30 (1 GiB)");
        if (initialCapacityLog2 is < 4 or > 34) throw new ArgumentOutOfRangeException(nameof(initialCapacityLog2), initialCapacityLog2, "use 4 to 34");
        _chunkShift = chunkSizeLog2;
        _chunkSize = 1L << chunkSizeLog2;
        Array.Fill(_freeHeads, -1L);
        _log2Capacity = initialCapacityLog2;
        _slots = (ulong*)_pages.Rent(SlotBytes(_log2Capacity), zero: true);
    }

    private static nuint SlotBytes(int log2Capacity) => (nuint)(1L << log2Capacity) * sizeof(ulong);

    /// <summary>Number of blocks held.</summary>
    public long Count { get { _lock.EnterReadLock(); try { return _count; } finally { _lock.ExitReadLock(); } } }
    /// <summary>Sum of the block data lengths held.</summary>
    public long DataBytes => Volatile.Read(ref _dataBytes);
    private long _dataBytes;
    /// <summary>Sum of the CID lengths held.</summary>
    public long CidBytes => Volatile.Read(ref _cidBytes);
    private long _cidBytes;
    /// <summary>Native arena bytes reserved (chunks allocated).</summary>
    public long ArenaBytes => (long)_chunkCount * _chunkSize;
    /// <summary>Native index bytes.</summary>
    public long IndexBytes => (1L << _log2Capacity) * sizeof(ulong);
    /// <summary>CIDs looked up by link walks so far (blocks counted plus edges into blocks already held).</summary>
    public long LinkVisits => Interlocked.Read(ref _linkVisits);
    private long _linkVisits;
    /// <summary>Bytes of record space currently on free lists.</summary>
    public long FreeBytes { get; private set; }

    // ---------------------------------------------------------------- hashing and slots

    private static ulong HashCid(ReadOnlySpan<byte> cid)
    {
        CidPrefix.Read(cid, out _, out ulong hashCode, out int digestOffset);
        var digest = cid[digestOffset..];
        ulong h;
        if (digest.Length >= 8 && hashCode != Multicodec.Identity)
        {
            h = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        }
        else
        {
            h = 0xcbf29ce484222325UL;
            foreach (byte b in digest) h = (h ^ b) * 0x100000001b3UL;
        }
        // finalizer (splitmix64) so that any digest bits spread over the whole word
        h ^= h >> 30; h *= 0xbf58476d1ce4e5b9UL; h ^= h >> 27; h *= 0x94d049bb133111ebUL; h ^= h >> 31;
        return h;
    }

    private long SlotOf(ulong hash) => (long)(hash >> (64 - _log2Capacity));
    private static ulong Fingerprint(ulong hash) => hash >> 40;

    private byte* Ptr(long addr) => (byte*)_chunks[addr >> _chunkShift] + (addr & (_chunkSize - 1));

    private static long SlotAddr(ulong slot) => (long)((slot & AddrMask) - 1) << 3;

    private ulong HashOfRecord(long addr)
    {
        byte* p = Ptr(addr);
        int cidLen = (int)((*(uint*)(p + 4) >> 22) & 0x7f);
        return HashCid(new ReadOnlySpan<byte>(p + RecordHeader, cidLen));
    }

    /// <summary>The ideal slot of an occupied slot value (from the fingerprint while the table is small).</summary>
    private long IdealSlot(ulong slot)
    {
        if (_log2Capacity <= 24) return (long)((slot >> 40) >> (24 - _log2Capacity));
        return SlotOf(HashOfRecord(SlotAddr(slot)));
    }

    private long FindSlot(ReadOnlySpan<byte> cid, ulong hash)
    {
        long mask = (1L << _log2Capacity) - 1;
        ulong fp = Fingerprint(hash);
        for (long i = SlotOf(hash); ; i = (i + 1) & mask)
        {
            ulong s = _slots[i];
            if (s == 0) return -1 - i;
            if ((s >> 40) == fp)
            {
                byte* p = Ptr(SlotAddr(s));
                int cidLen = (int)((*(uint*)(p + 4) >> 22) & 0x7f);
                if (new ReadOnlySpan<byte>(p + RecordHeader, cidLen).SequenceEqual(cid)) return i;
            }
        }
    }

    private void Grow() => Resize(_log2Capacity + 1);

    /// <summary>Moves the index into a table of 2^<paramref name="newLog"/> slots (larger than now).</summary>
    private void Resize(int newLog)
    {
        long newCap = 1L << newLog;
        var ns = (ulong*)_pages.Rent(SlotBytes(newLog), zero: true);
        long oldCap = 1L << _log2Capacity;
        long mask = newCap - 1;
        for (long i = 0; i < oldCap; i++)
        {
            ulong s = _slots[i];
            if (s == 0) continue;
            long ideal = newLog <= 24 ? (long)((s >> 40) >> (24 - newLog)) : (long)(HashOfRecord(SlotAddr(s)) >> (64 - newLog));
            long j = ideal;
            while (ns[j] != 0) j = (j + 1) & mask;
            ns[j] = s;
        }
        _pages.Return(_slots, SlotBytes(_log2Capacity));
        _slots = ns;
        _log2Capacity = newLog;
    }

    private void DeleteSlot(long i)
    {
        long mask = (1L << _log2Capacity) - 1;
        long hole = i;
        for (long j = (i + 1) & mask; ; j = (j + 1) & mask)
        {
            ulong s = _slots[j];
            if (s == 0) break;
            long ideal = IdealSlot(s);
            // move s into the hole if its ideal slot is not cyclically in (hole, j]
            bool inRange = hole <= j ? (ideal > hole && ideal <= j) : (ideal > hole || ideal <= j);
            if (!inRange)
            {
                _slots[hole] = s;
                hole = j;
            }
        }
        _slots[hole] = 0;
    }

    // ---------------------------------------------------------------- arena

    private static int SizeClass(int size, out int classSize)
    {
        if (size <= SmallClassLimit)
        {
            classSize = (size + 7) & ~7;
            return classSize >> 3;
        }
        int log = BitOperations.Log2((uint)size - 1); // size in (2^log, 2^(log+1)]
        int step = 1 << (log - 3);
        classSize = (size + step - 1) & ~(step - 1);
        return 1025 + (log - 13) * 8 + (classSize / step - 9);
    }

    private long Allocate(int size, out int allocated)
    {
        int cls = SizeClass(size, out allocated);
        long head = _freeHeads[cls];
        if (head >= 0)
        {
            _freeHeads[cls] = *(long*)Ptr(head);
            FreeBytes -= allocated;
            return head;
        }
        if (_chunkCount == 0 || _bump + allocated > _chunkSize)
        {
            if (_chunkCount > 0) RecycleTail();
            if (_chunkCount == _chunks.Length) Array.Resize(ref _chunks, _chunks.Length * 2);
            if ((long)(_chunkCount + 1) << _chunkShift > (long)(AddrMask << 3))
                throw new InsufficientMemoryException("the block store address space (8 TiB) is exhausted");
            _chunks[_chunkCount++] = (nint)_pages.Rent((nuint)_chunkSize, zero: false);
            _bump = 0;
        }
        long addr = ((long)(_chunkCount - 1) << _chunkShift) | _bump;
        _bump += allocated;
        return addr;
    }

    private void RecycleTail()
    {
        long tail = _chunkSize - _bump;
        if (tail < 16 || tail > SmallClassLimit) { _bump = _chunkSize; return; }
        long addr = ((long)(_chunkCount - 1) << _chunkShift) | _bump;
        PushFree(addr, (int)tail);
        _bump = _chunkSize;
    }

    private void PushFree(long addr, int size)
    {
        int cls = SizeClass(size, out int classSize);
        if (classSize != size) return; // only exact classes are reused (sizes here are always class sizes)
        *(long*)Ptr(addr) = _freeHeads[cls];
        _freeHeads[cls] = addr;
        FreeBytes += size;
    }

    // ---------------------------------------------------------------- public API

    /// <summary>The address of the block with this binary CID, or -1.</summary>
    public long Find(ReadOnlySpan<byte> cid)
    {
        ulong h = HashCid(cid);
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            long i = FindSlot(cid, h);
            return i < 0 ? -1 : SlotAddr(_slots[i]);
        }
        finally { _lock.ExitReadLock(); }
    }

    public bool Contains(ReadOnlySpan<byte> cid) => Find(cid) >= 0;

    /// <summary>A copy of the block's bytes, or null when absent.</summary>
    public byte[]? GetCopy(ReadOnlySpan<byte> cid)
    {
        ulong h = HashCid(cid);
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            long i = FindSlot(cid, h);
            if (i < 0) return null;
            return DataUnlocked(SlotAddr(_slots[i])).ToArray();
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Inserts a new block; throws if the CID is already held. Returns its address.</summary>
    public long Insert(ReadOnlySpan<byte> cid, ReadOnlySpan<byte> data, uint refs = 0, int pins = 0)
    {
        if (!TryInsert(cid, data, out long addr, refs, pins))
            throw new InvalidOperationException($"block {Cid.FromBytes(cid)} is already in the store");
        return addr;
    }

    /// <summary>
    /// Inserts a new block and returns true, or returns false with the address of the block already held under
    /// this CID (left unchanged): one index probe where Find then Insert would take two.
    /// </summary>
    public bool TryInsert(ReadOnlySpan<byte> cid, ReadOnlySpan<byte> data, out long addr, uint refs = 0, int pins = 0)
    {
        if (cid.Length is 0 or > MaxCidLength) throw new ArgumentException($"a CID of 1..{MaxCidLength} bytes is required, got {cid.Length}", nameof(cid));
        if (data.Length > MaxDataLength) throw new ArgumentException($"block of {data.Length} bytes exceeds the store's limit of {MaxDataLength}", nameof(data));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(refs, MaxRefs);
        if (pins is < 0 or > MaxPins) throw new ArgumentOutOfRangeException(nameof(pins));
        ulong h = HashCid(cid);
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            long i = FindSlot(cid, h);
            if (i >= 0)
            {
                addr = SlotAddr(_slots[i]);
                return false;
            }
            if ((_count + 1) * 4 > (3L << _log2Capacity))
            {
                Grow();
                i = FindSlot(cid, h);
            }
            addr = Allocate(RecordHeader + cid.Length + data.Length, out _);
            byte* p = Ptr(addr);
            *(uint*)p = refs;
            *(uint*)(p + 4) = (uint)data.Length | ((uint)cid.Length << 22) | ((uint)pins << 29);
            cid.CopyTo(new Span<byte>(p + RecordHeader, cid.Length));
            data.CopyTo(new Span<byte>(p + RecordHeader + cid.Length, data.Length));
            _slots[-1 - i] = (ulong)((addr >> 3) + 1) | (Fingerprint(h) << 40);
            _count++;
            _dataBytes += data.Length;
            _cidBytes += cid.Length;
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>
    /// Inserts a run of blocks whose CID and data lie back to back in <paramref name="buffer"/> (CAR sections; the
    /// caller has validated the CIDs), while other threads may insert other runs. Returns how many were new; a CID
    /// already held (or inserted by another run meanwhile) keeps its record. One shared lock for the run: the
    /// records are carved from the arena under the arena lock, filled, and published by claiming an empty index slot
    /// with compare-and-swap (linear probing, no deletion while the shared lock is held), so a reader or another run
    /// sees a slot only with its record complete. The table grows, under the write lock, before the run starts.
    /// </summary>
    internal int InsertRun(ReadOnlySpan<byte> buffer, ReadOnlySpan<RunBlock> blocks)
    {
        int n = blocks.Length;
        foreach (var b in blocks)
        {
            if (b.CidLength is <= 0 or > MaxCidLength) throw new ArgumentException($"a CID of 1..{MaxCidLength} bytes is required, got {b.CidLength}", nameof(blocks));
            if (b.DataLength is < 0 or > MaxDataLength) throw new ArgumentException($"block of {b.DataLength} bytes exceeds the store's limit of {MaxDataLength}", nameof(blocks));
            if (b.Start < 0 || (long)b.Start + b.CidLength + b.DataLength > buffer.Length) throw new ArgumentOutOfRangeException(nameof(blocks), "a block lies outside the buffer");
        }
        if (n == 0) return 0;
        var hashes = ArrayPool<ulong>.Shared.Rent(n);
        var addrs = ArrayPool<long>.Shared.Rent(n);
        try
        {
            for (int k = 0; k < n; k++) hashes[k] = HashCid(buffer.Slice(blocks[k].Start, blocks[k].CidLength));
            _lock.EnterReadLock();
            try
            {
                ThrowIfDisposed();
                ReserveSlots(n);
                try
                {
                    return InsertReserved(buffer, blocks, hashes, addrs);
                }
                finally
                {
                    Interlocked.Add(ref _inflight, -n);
                }
            }
            finally { _lock.ExitReadLock(); }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(hashes);
            ArrayPool<long>.Shared.Return(addrs);
        }
    }

    /// <summary>
    /// Grows the index now, under the write lock, until it holds <paramref name="blocks"/> blocks below its 3/4
    /// load (never shrinks it; at most 2^34 slots): an import that knows its input's size sizes the table once
    /// instead of doubling it while runs wait.
    /// </summary>
    internal void Reserve(long blocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blocks);
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            int log = _log2Capacity;
            while (log < 34 && blocks * 4 > (3L << log)) log++;
            if (log > _log2Capacity) Resize(log); // one table, not one per doubling
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Promises <paramref name="n"/> index slots to a run (caller holds the shared lock), growing the table first if they would pass 3/4 load.</summary>
    private void ReserveSlots(int n)
    {
        while ((Interlocked.Add(ref _inflight, n) + Volatile.Read(ref _count)) * 4 > (3L << _log2Capacity))
        {
            Interlocked.Add(ref _inflight, -n);
            _lock.ExitReadLock();
            _lock.EnterWriteLock();
            try
            {
                // every other run has left the shared lock: _inflight is 0 here
                if (!_disposed) while ((_count + n) * 4 > (3L << _log2Capacity)) Grow();
            }
            finally { _lock.ExitWriteLock(); }
            _lock.EnterReadLock();
            ThrowIfDisposed();
        }
    }

    private int InsertReserved(ReadOnlySpan<byte> buffer, ReadOnlySpan<RunBlock> blocks, ulong[] hashes, long[] addrs)
    {
        int n = blocks.Length;
        lock (_arenaGate)
        {
            for (int k = 0; k < n; k++) addrs[k] = Allocate(RecordHeader + blocks[k].CidLength + blocks[k].DataLength, out _);
        }
        const int Ahead = 8;
        int added = 0;
        long dataBytes = 0, cidBytes = 0;
        fixed (byte* src = buffer)
        {
            for (int k = 0; k < n; k++)
            {
                if (k + Ahead < n && System.Runtime.Intrinsics.X86.Sse.IsSupported)
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(_slots + SlotOf(hashes[k + Ahead]));
                var b = blocks[k];
                byte* p = Ptr(addrs[k]);
                *(uint*)p = 0;
                *(uint*)(p + 4) = (uint)b.DataLength | ((uint)b.CidLength << 22);
                long length = b.CidLength + b.DataLength;
                Buffer.MemoryCopy(src + b.Start, p + RecordHeader, length, length);
                ulong slot = (ulong)((addrs[k] >> 3) + 1) | (Fingerprint(hashes[k]) << 40);
                if (ClaimSlot(new ReadOnlySpan<byte>(p + RecordHeader, b.CidLength), hashes[k], slot))
                {
                    added++;
                    dataBytes += b.DataLength;
                    cidBytes += b.CidLength;
                }
                else
                {
                    addrs[k] = ~addrs[k]; // held already: its record goes back to the free lists
                }
            }
        }
        if (added < n)
        {
            lock (_arenaGate)
            {
                for (int k = 0; k < n; k++)
                {
                    if (addrs[k] >= 0) continue;
                    SizeClass(RecordHeader + blocks[k].CidLength + blocks[k].DataLength, out int size);
                    PushFree(~addrs[k], size);
                }
            }
        }
        // the count rises before the promise is released (in the caller), so count + promised never falls short
        Interlocked.Add(ref _count, added);
        Interlocked.Add(ref _dataBytes, dataBytes);
        Interlocked.Add(ref _cidBytes, cidBytes);
        return added;
    }

    /// <summary>
    /// Publishes <paramref name="value"/> in the first empty slot of <paramref name="cid"/>'s probe sequence with
    /// compare-and-swap; false (nothing changed) when the CID is found there first. Caller holds the shared lock.
    /// </summary>
    private bool ClaimSlot(ReadOnlySpan<byte> cid, ulong hash, ulong value)
    {
        long mask = (1L << _log2Capacity) - 1;
        ulong fp = Fingerprint(hash);
        for (long i = SlotOf(hash); ; i = (i + 1) & mask)
        {
            ref ulong slot = ref _slots[i];
            ulong s = Volatile.Read(ref slot);
            if (s == 0)
            {
                s = Interlocked.CompareExchange(ref slot, value, 0);
                if (s == 0) return true;
            }
            if ((s >> 40) == fp)
            {
                byte* p = Ptr(SlotAddr(s));
                int cidLen = (int)((*(uint*)(p + 4) >> 22) & 0x7f);
                if (new ReadOnlySpan<byte>(p + RecordHeader, cidLen).SequenceEqual(cid)) return false;
            }
        }
    }

    /// <summary>Removes the block at <paramref name="addr"/> and recycles its space.</summary>
    public void Remove(long addr)
    {
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            byte* p = Ptr(addr);
            uint meta = *(uint*)(p + 4);
            int cidLen = (int)((meta >> 22) & 0x7f), dataLen = (int)(meta & MaxDataLength);
            var cid = new ReadOnlySpan<byte>(p + RecordHeader, cidLen);
            long i = FindSlot(cid, HashCid(cid));
            if (i < 0 || SlotAddr(_slots[i]) != addr) throw new InvalidOperationException($"no block at address {addr}");
            DeleteSlot(i);
            _count--;
            _dataBytes -= dataLen;
            _cidBytes -= cidLen;
            SizeClass(RecordHeader + cidLen + dataLen, out int size);
            PushFree(addr, size);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The reference count of the block at <paramref name="addr"/>.</summary>
    public uint GetRefs(long addr) => Volatile.Read(ref *(uint*)Ptr(addr)) & RefMask;

    /// <summary>Adds <paramref name="delta"/> to the reference count and returns the count before the change.</summary>
    public uint AddRefs(long addr, int delta)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return AddRefsAtomic(addr, delta);
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// One breadth-first level of a link walk under a single shared lock (instead of a lock per lookup): for each
    /// CID of <paramref name="current"/> that is held, adds one reference (recording its address in
    /// <paramref name="increments"/> when given) and, when it had none, appends its storable children to
    /// <paramref name="next"/>; CIDs not held go to <paramref name="missing"/>. Reference counts change atomically,
    /// so readers running at the same time are safe; callers serialise link walks among themselves (RefDag's gate).
    /// </summary>
    internal void LinkLevel(CidList current, CidList next, CidList missing, List<long>? increments) =>
        LinkLevel(current, 0, current.Count, next, missing, increments);

    /// <summary>
    /// <see cref="LinkLevel(CidList, CidList, CidList, List{long})"/> over the <paramref name="count"/> CIDs of
    /// <paramref name="current"/> from byte position <paramref name="start"/>. Several threads may run it at once
    /// on disjoint ranges (a block's first reference is taken by exactly one of them, atomically).
    /// </summary>
    internal void LinkLevel(CidList current, int start, int count, CidList next, CidList missing, List<long>? increments)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            // Software pipeline against cache misses: the index slot of the CID Ahead places on is prefetched,
            // and the record its first slot points to half as far on; then the CID is processed.
            const int Ahead = 16;
            Interlocked.Add(ref _linkVisits, count);
            ulong* hashes = stackalloc ulong[Ahead];
            int pos = start, posAhead = start;
            for (int k = 0; k < Math.Min(Ahead, count); k++) hashes[k] = PrefetchSlot(current.Read(ref posAhead));
            for (int k = 0; k < count; k++)
            {
                // hashes[j % Ahead] holds item j's hash for j in [k, k + Ahead): the slot of item k + Ahead/2 was
                // prefetched Ahead/2 iterations ago, so its record can be prefetched now
                if (k + Ahead / 2 < count) PrefetchRecord(hashes[(k + Ahead / 2) % Ahead]);
                var c = current.Read(ref pos);
                ulong h = hashes[k % Ahead];
                if (k + Ahead < count) hashes[k % Ahead] = PrefetchSlot(current.Read(ref posAhead));
                long i = FindSlot(c, h);
                if (i < 0)
                {
                    missing.Add(c);
                    continue;
                }
                long addr = SlotAddr(_slots[i]);
                uint before = AddRefsAtomic(addr, 1);
                increments?.Add(addr);
                if (before == 0) DagLinks.AddChildren(c, DataUnlocked(addr), next);
            }
        }
        finally { _lock.ExitReadLock(); }
    }

    private ulong PrefetchSlot(ReadOnlySpan<byte> cid)
    {
        ulong h = HashCid(cid);
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported) System.Runtime.Intrinsics.X86.Sse.Prefetch0(_slots + SlotOf(h));
        return h;
    }

    /// <summary>Prefetches the index slot of <paramref name="cid"/> and returns its index hash (for a caller holding <see cref="EnterShared"/>).</summary>
    internal ulong PrefetchSlotLocked(ReadOnlySpan<byte> cid) => PrefetchSlot(cid);

    /// <summary>Prefetches the record behind index hash <paramref name="hash"/> if its first slot is a fingerprint match (caller holds <see cref="EnterShared"/>).</summary>
    internal void PrefetchRecordLocked(ulong hash) => PrefetchRecord(hash);

    private void PrefetchRecord(ulong h)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        ulong s = _slots[SlotOf(h)];
        if (s != 0 && (s >> 40) == Fingerprint(h)) System.Runtime.Intrinsics.X86.Sse.Prefetch0(Ptr(SlotAddr(s)));
    }

    private uint AddRefsAtomic(long addr, int delta)
    {
        ref int word = ref *(int*)Ptr(addr);
        while (true)
        {
            int old = Volatile.Read(ref word);
            uint before = (uint)old & RefMask;
            long after = (long)before + delta;
            if (after < 0 || after > MaxRefs) throw new InvalidOperationException($"reference count of {CidString(addr)} would become {after}");
            if (Interlocked.CompareExchange(ref word, old + delta, old) == old) return before;
        }
    }

    /// <summary>The header pin count of the block at <paramref name="addr"/>.</summary>
    public int GetPins(long addr) => (int)(Volatile.Read(ref *(uint*)(Ptr(addr) + 4)) >> 29);

    /// <summary>Adds to the header pin count (0..7) and returns the count before the change.</summary>
    public int AddPins(long addr, int delta)
    {
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            uint* m = (uint*)(Ptr(addr) + 4);
            int before = (int)(*m >> 29);
            int after = before + delta;
            if (after is < 0 or > MaxPins) throw new InvalidOperationException($"pin count of {CidString(addr)} would become {after}");
            *m = (*m & 0x1fffffffu) | ((uint)after << 29);
            return before;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The block's bytes (valid while the block is held).</summary>
    public ReadOnlySpan<byte> GetData(long addr) => DataUnlocked(addr);

    /// <summary>The block's binary CID (valid while the block is held).</summary>
    public ReadOnlySpan<byte> GetCid(long addr)
    {
        byte* p = Ptr(addr);
        int cidLen = (int)((*(uint*)(p + 4) >> 22) & 0x7f);
        return new ReadOnlySpan<byte>(p + RecordHeader, cidLen);
    }

    private ReadOnlySpan<byte> DataUnlocked(long addr)
    {
        byte* p = Ptr(addr);
        uint meta = *(uint*)(p + 4);
        int cidLen = (int)((meta >> 22) & 0x7f);
        return new ReadOnlySpan<byte>(p + RecordHeader + cidLen, (int)(meta & MaxDataLength));
    }

    private string CidString(long addr) => Cid.FromBytes(GetCid(addr)).ToString();

    /// <summary>Sets walk mark bits and returns the mark bits set before (atomically: ref counts share the word).</summary>
    internal uint SetMarks(long addr, uint marks)
    {
        ref int word = ref *(int*)Ptr(addr);
        return (uint)Interlocked.Or(ref word, (int)marks) & (SeenMark | WalkedMark);
    }

    /// <summary>Clears the walk marks of <paramref name="count"/> records, prefetching ahead.</summary>
    internal void ClearMarks(long[] addrs, int count)
    {
        const int Ahead = 16;
        for (int k = 0; k < count; k++)
        {
            if (k + Ahead < count && System.Runtime.Intrinsics.X86.Sse.IsSupported)
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(Ptr(addrs[k + Ahead]));
            Interlocked.And(ref *(int*)Ptr(addrs[k]), (int)RefMask);
        }
    }

    /// <summary>
    /// Takes the shared lock for a run of <see cref="FindLocked"/> calls (a walk takes it once per few thousand
    /// lookups instead of once per lookup). No other locking member may be called while it is held.
    /// </summary>
    internal void EnterShared()
    {
        _lock.EnterReadLock();
        if (_disposed)
        {
            _lock.ExitReadLock();
            ThrowIfDisposed();
        }
    }

    internal void ExitShared() => _lock.ExitReadLock();

    /// <summary><see cref="Find"/> for a caller holding <see cref="EnterShared"/>.</summary>
    internal long FindLocked(ReadOnlySpan<byte> cid) => FindLocked(cid, HashCid(cid));

    /// <summary><see cref="Find"/> with the index hash already known (from <see cref="PrefetchSlotLocked"/>), under <see cref="EnterShared"/>.</summary>
    internal long FindLocked(ReadOnlySpan<byte> cid, ulong hash)
    {
        long i = FindSlot(cid, hash);
        return i < 0 ? -1 : SlotAddr(_slots[i]);
    }

    /// <summary>The walk mark bits of a record (a plain read: only the walk holding the walk gate sets them).</summary>
    internal uint GetMarks(long addr) => *(uint*)Ptr(addr) & (SeenMark | WalkedMark);

    /// <summary>A point-in-time list of every block address (for checks and sweeps; allocates 8 bytes per block).</summary>
    public long[] Addresses()
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var r = new long[_count];
            long n = 0, cap = 1L << _log2Capacity;
            for (long i = 0; i < cap; i++)
                if (_slots[i] != 0) r[n++] = SlotAddr(_slots[i]);
            return r;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// Removes every block with no references and no pins (staged blocks left after an import); returns how many.
    /// The index is scanned for them in <paramref name="parallelism"/> slices at once (under the shared lock; each
    /// record read is a cache miss, which is what a sweep costs), then they are removed one by one.
    /// </summary>
    public long SweepUnreferenced(int parallelism = 1)
    {
        long[][] found;
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            long cap = 1L << _log2Capacity;
            int slices = (int)Math.Clamp(cap >> 14, 1, Math.Max(1, parallelism));
            found = new long[slices][];
            if (slices == 1) found[0] = Unreferenced(0, cap);
            else Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, i => found[i] = Unreferenced(cap * i / slices, cap * (i + 1) / slices));
        }
        finally { _lock.ExitReadLock(); }
        long removed = 0;
        foreach (var slice in found)
        {
            foreach (long a in slice)
            {
                // a reference or pin taken since the scan keeps the block
                if (GetRefs(a) != 0 || GetPins(a) != 0) continue;
                Remove(a);
                removed++;
            }
        }
        return removed;
    }

    /// <summary>Addresses of the records in slots [from, to) with no references and no pins (caller holds the lock).</summary>
    private long[] Unreferenced(long from, long to)
    {
        const int Ahead = 16;
        var r = new List<long>();
        for (long i = from; i < to; i++)
        {
            if (i + Ahead < to && _slots[i + Ahead] != 0 && System.Runtime.Intrinsics.X86.Sse.IsSupported)
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(Ptr(SlotAddr(_slots[i + Ahead])));
            ulong s = _slots[i];
            if (s == 0) continue;
            byte* p = Ptr(SlotAddr(s));
            if ((*(uint*)p & RefMask) == 0 && (*(uint*)(p + 4) >> 29) == 0) r.Add(SlotAddr(s));
        }
        return r.ToArray();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
            // to the pool: the next store (an import replacing this engine) reuses pages already touched
            for (int i = 0; i < _chunkCount; i++) _pages.Return((void*)_chunks[i], (nuint)_chunkSize);
            _chunkCount = 0;
            _pages.Return(_slots, SlotBytes(_log2Capacity));
            _slots = null;
        }
        finally { _lock.ExitWriteLock(); }
        GC.SuppressFinalize(this);
    }

    ~BlockStore()
    {
        if (_disposed) return;
        for (int i = 0; i < _chunkCount; i++) LargePages.Free((void*)_chunks[i]);
        if (_slots != null) LargePages.Free(_slots);
    }
}

