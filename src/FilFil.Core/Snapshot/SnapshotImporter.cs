using System.Collections.Concurrent;
using System.Diagnostics;
using FilFil.Core.Chain;
using FilFil.Core.Logging;
using Serilog;
using FilFil.Core.Car;
using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Snapshot;

/// <summary>
/// Loads a snapshot CAR (Lotus v1, FRC-0108 v2, CARv2 container, zstd or forest .car.zst) into a new
/// <see cref="ChainStore"/>: every block is hash-verified and staged in the store, the header chain is built from the
/// roots (or the v2 metadata's HeadTipsetKey), the window is linked from the staged blocks, and whatever no root
/// reaches (receipts, the metadata block, identity blocks) is dropped.
/// </summary>
public static class SnapshotImporter
{
    private static readonly ILogger Log = FilFilLog.For(typeof(SnapshotImporter).FullName!);

    public static async Task<ChainStore> ImportAsync(string path, ChainStoreOptions? options = null, CancellationToken ct = default)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return await ImportAsync(fs, options, ct).ConfigureAwait(false);
    }

    public static async Task<ChainStore> ImportAsync(Stream input, ChainStoreOptions? options = null, CancellationToken ct = default)
    {
        var engine = new ChainStore(options);
        try
        {
            var total = Stopwatch.StartNew();
            var clock = Stopwatch.StartNew();
            int threads = engine.Options.EffectiveImportParallelism;
            var head = Load(input, engine.Store, threads, ct);
            Log.Information("Import read and verified {Blocks} blocks, {Bytes} bytes in {Elapsed} ({Threads} threads); head {Height} {TipSet:l}",
                engine.Store.Count, engine.Store.DataBytes, clock.Elapsed, threads, head.Height, string.Join(",", head.Cids));
            clock.Restart();
            await engine.BootstrapAsync(head, null, ct).ConfigureAwait(false);
            Log.Information("Import linked the header chain and the window at {Height} in {Elapsed}", head.Height, clock.Elapsed);
            clock.Restart();
            long staged = engine.Store.Count;
            engine.Store.SweepUnreferenced();
            Log.Information("Import swept {Swept} blocks nothing reaches in {Elapsed}; imported {Height} {TipSet:l}: {Blocks} blocks, {Bytes} bytes held in {Total}",
                staged - engine.Store.Count, clock.Elapsed, head.Height, string.Join(",", head.Cids), engine.Store.Count, engine.Store.DataBytes, total.Elapsed);
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stages every block of the CAR in <paramref name="store"/> and returns the head tipset. Every block is
    /// hash-verified: BLAKE2b blocks in batches after they are copied into the store (multi-buffer hashing; with
    /// <paramref name="parallelism"/> above 1, on <c>parallelism - 1</c> other threads while the sections are read,
    /// and on the reading thread when they fall behind), anything else one by one before it is stored. A mismatch
    /// fails the import (whose caller discards the store) naming the first corrupt block in file order, whatever the
    /// parallelism.
    /// </summary>
    internal static TipSet Load(Stream input, BlockStore store, int parallelism = 1, CancellationToken ct = default)
    {
        using var reader = new CarReader(input, leaveOpen: true);
        using var verifier = new Verifier(store, parallelism);
        IReadOnlyList<Cid> headKey = reader.Roots;
        bool first = true;
        try
        {
            while (reader.TryRead(out var b))
            {
                if ((reader.BlocksRead & 4095) == 0) ct.ThrowIfCancellationRequested();
                if (!Hashing.CanVerify(b.HashCode))
                    throw new FilFilFormatException("CAR", b.Offset, "blocks hashed with identity, sha2-256 or blake2b-256", Multicodec.HashName(b.HashCode));
                bool batched = b.HashCode == Multicodec.Blake2b256 && b.Parts.DigestLength == 32 && DagLinks.IsBlockCodec(b.Codec);
                if (!batched || first)
                {
                    if (!b.VerifyHash()) throw Mismatch(b.Offset, b.CidBytes.Span);
                    batched = false;
                }
                if (first && reader.Roots.Count == 1 && b.CidBytes.Span.SequenceEqual(reader.Roots[0].Bytes)
                    && SnapshotMetadata.TryDecode(b.Data.Span, b.Offset) is { } md)
                {
                    headKey = md.HeadTipsetKey;
                }
                first = false;
                if (b.HashCode == Multicodec.Identity || !DagLinks.IsBlockCodec(b.Codec)) continue;
                if (store.TryInsert(b.CidBytes.Span, b.Data.Span, out long addr))
                {
                    if (batched) verifier.Add(addr, b.Parts.DigestOffset, b.Offset);
                }
                else if (batched && !b.VerifyHash())
                {
                    throw Mismatch(b.Offset, b.CidBytes.Span); // a duplicate section with other bytes
                }
            }
            verifier.Complete();
        }
        catch (FilFilFormatException)
        {
            // a block staged before this point that fails its hash is the first problem in the file
            verifier.Complete();
            throw;
        }
        if (headKey.Count == 0) throw new FilFilFormatException("CAR", 0, "at least one root", "none");
        return TipSet.Load(store, headKey);
    }

    private static FilFilFormatException Mismatch(long offset, ReadOnlySpan<byte> cid) =>
        new("CAR", offset, $"block bytes that hash to {Cid.FromBytes(cid)}", "a hash mismatch");

    /// <summary>
    /// Verifies staged BLAKE2b-256 blocks in batches: on the reading thread with one thread, otherwise on worker
    /// threads fed through a small pool of batches (the reading thread verifies a batch itself when none is free,
    /// so it never waits). Records the corrupt block with the lowest CAR offset.
    /// </summary>
    private sealed class Verifier : IDisposable
    {
        private readonly BlockingCollection<VerifyBatch>? _full;
        private readonly BlockingCollection<VerifyBatch>? _free;
        private readonly Thread[] _workers;
        private readonly object _gate = new();
        private VerifyBatch _cur;
        private long _badOffset = long.MaxValue;
        private byte[]? _badCid;
        private volatile bool _failed;
        private Exception? _workerError;
        private int _inFlight; // batches queued or being verified by workers
        private bool _stopped;

        public Verifier(BlockStore store, int parallelism)
        {
            _cur = new VerifyBatch(store);
            _workers = new Thread[Math.Max(0, parallelism - 1)];
            if (_workers.Length == 0) return;
            _full = new BlockingCollection<VerifyBatch>();
            _free = new BlockingCollection<VerifyBatch>();
            for (int i = 0; i < 2 * _workers.Length; i++) _free.Add(new VerifyBatch(store));
            for (int i = 0; i < _workers.Length; i++)
            {
                _workers[i] = new Thread(Work) { IsBackground = true, Name = "FilFil import verify" };
                _workers[i].Start();
            }
        }

        private void Work()
        {
            foreach (var batch in _full!.GetConsumingEnumerable())
            {
                try { Check(batch); }
                catch (Exception e) { lock (_gate) _workerError ??= e; _failed = true; }
                lock (_gate)
                {
                    _inFlight--;
                    Monitor.PulseAll(_gate);
                }
                _free!.Add(batch);
            }
        }

        private void Check(VerifyBatch batch)
        {
            if (batch.Verify() is not { } bad) return;
            lock (_gate)
            {
                if (bad.Offset < _badOffset) (_badOffset, _badCid) = (bad.Offset, bad.Cid);
            }
            _failed = true;
        }

        /// <summary>Queues a stored block (verifying or handing off a full batch); throws once a mismatch is known.</summary>
        public void Add(long addr, int digestOffset, long carOffset)
        {
            if (_cur.Add(addr, digestOffset, carOffset)) Submit();
            if (_failed) ThrowFirstMismatch();
        }

        private void Submit()
        {
            if (_full is not null && _free!.TryTake(out var next))
            {
                lock (_gate) _inFlight++;
                _full.Add(_cur);
                _cur = next;
            }
            else
            {
                Check(_cur);
            }
        }

        /// <summary>Waits for the workers' batches, then throws the first corrupt block's error if there is one.</summary>
        public void ThrowFirstMismatch()
        {
            lock (_gate)
            {
                while (_inFlight > 0) Monitor.Wait(_gate);
                if (_workerError is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
                if (_badCid is { } cid) throw Mismatch(_badOffset, cid);
            }
        }

        /// <summary>Verifies what is left and waits for every batch; throws the first corrupt block's error.</summary>
        public void Complete()
        {
            Check(_cur);
            ThrowFirstMismatch();
        }

        public void Dispose()
        {
            if (_stopped) return;
            _stopped = true;
            _full?.CompleteAdding();
            foreach (var t in _workers) t.Join();
            _full?.Dispose();
            _free?.Dispose();
        }
    }

    /// <summary>BLAKE2b-256 blocks already copied into the store, verified together (<see cref="Blake2bBatch"/>).</summary>
    private sealed unsafe class VerifyBatch(BlockStore store)
    {
        private const int Size = 512;
        private readonly long[] _addrs = new long[Size];
        private readonly int[] _digestAt = new int[Size];
        private readonly long[] _offsets = new long[Size];
        private readonly nint[] _ptrs = new nint[Size];
        private readonly int[] _lengths = new int[Size];
        private readonly byte[] _digests = new byte[32 * Size];
        private int _n;

        /// <summary>Queues a stored block; true when the batch is full.</summary>
        public bool Add(long addr, int digestOffset, long carOffset)
        {
            _addrs[_n] = addr;
            _digestAt[_n] = digestOffset;
            _offsets[_n] = carOffset;
            _n++;
            return _n == Size;
        }

        /// <summary>Hashes the batch and empties it; returns the first block (in CAR order) whose digest differs.</summary>
        public (long Offset, byte[] Cid)? Verify()
        {
            if (_n == 0) return null;
            int n = _n;
            _n = 0;
            for (int i = 0; i < n; i++)
            {
                var data = store.GetData(_addrs[i]);
                _ptrs[i] = (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(data));
                _lengths[i] = data.Length;
            }
            Blake2bBatch.Hash256(_ptrs.AsSpan(0, n), _lengths.AsSpan(0, n), _digests);
            for (int i = 0; i < n; i++)
            {
                var cid = store.GetCid(_addrs[i]);
                if (!cid.Slice(_digestAt[i], 32).SequenceEqual(_digests.AsSpan(32 * i, 32))) return (_offsets[i], cid.ToArray());
            }
            return null;
        }
    }
}
