using System.Buffers;
using System.Diagnostics;
using FilFil.Core.Chain;
using FilFil.Core.Logging;
using Serilog;
using FilFil.Core.Car;
using FilFil.Core.Encoding;
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

    /// <summary>Input bytes per block assumed when the index is sized from a seekable input's length.</summary>
    internal const int BytesPerBlockEstimate = 512;

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
            // a CAR section of a Filecoin chain averages about 350 (synthetic) to 650 bytes (mainnet): size the index
            // for one block per 512 bytes of a seekable input, so it seldom doubles while runs wait
            if (input.CanSeek) engine.Store.Reserve(Math.Max(0, input.Length - input.Position) / BytesPerBlockEstimate);
            var head = Load(input, engine.Store, threads, engine.Options.ImportRunBytes, ct);
            Log.Information("Import read and verified {Blocks} blocks, {Bytes} bytes in {Elapsed} ({Threads} threads); head {Height} {TipSet:l}",
                engine.Store.Count, engine.Store.DataBytes, clock.Elapsed, threads, head.Height, string.Join(",", head.Cids));
            clock.Restart();
            await engine.BootstrapAsync(head, null, ct).ConfigureAwait(false);
            Log.Information("Import linked the header chain and the window at {Height} in {Elapsed}", head.Height, clock.Elapsed);
            clock.Restart();
            long staged = engine.Store.Count;
            engine.Store.SweepUnreferenced(threads);
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
    /// Stages every block of the CAR in <paramref name="store"/> and returns the head tipset. The input is cut into
    /// runs of whole sections (one read buffer each, about 1 MiB), and each of <paramref name="parallelism"/>
    /// threads (this one and <c>parallelism - 1</c> workers) in turn reads a run itself (under a lock: it fills a
    /// buffer of its own and reads only the section lengths) and then, outside the lock, parses the run's CIDs,
    /// verifies every block's hash (BLAKE2b-256 in multi-buffer batches, anything else one by one) and inserts the
    /// run into the store (<see cref="BlockStore.InsertRun"/>: concurrent with other runs). The bytes of a run so stay
    /// in the cache of the core that reads, verifies and copies them. With one thread each run is processed as it is
    /// read, in file order. The first block is verified before anything else (it may be the v2 metadata block that
    /// names the head). A corrupt or unusable block fails the load (whose caller discards the store) naming the first
    /// bad block in file order, whatever the parallelism: once a failure is known no run is read, the runs being
    /// processed finish and the lowest offset wins.
    /// </summary>
    /// <param name="runBytes">Most section bytes in one run (default: whatever one read buffer holds).</param>
    internal static TipSet Load(Stream input, BlockStore store, int parallelism = 1, int runBytes = int.MaxValue, CancellationToken ct = default)
    {
        // read buffers come from the shared pool and go back to it: a buffer used before is not touched for the first time again
        var buffers = new ReadBuffers();
        try
        {
            using var reader = new CarReader(input, leaveOpen: true, buffers.Rent());
            IReadOnlyList<Cid> headKey = reader.Roots;
            if (reader.TryRead(out var first))
            {
                if (Problem(first.Offset, first.CidBytes.Span, first.Parts, first.Data.Span.Length) is { } p) throw p;
                if (!first.VerifyHash()) throw Mismatch(first.Offset, first.CidBytes.Span);
                if (reader.Roots.Count == 1 && first.CidBytes.Span.SequenceEqual(reader.Roots[0].Bytes)
                    && SnapshotMetadata.TryDecode(first.Data.Span, first.Offset) is { } md)
                {
                    headKey = md.HeadTipsetKey;
                }
                if (IsStored(first.Parts)) store.TryInsert(first.CidBytes.Span, first.Data.Span, out _);
            }
            new RunLoader(reader, store, runBytes, buffers, ct).Run(parallelism);
            if (headKey.Count == 0) throw new FilFilFormatException("CAR", 0, "at least one root", "none");
            return TipSet.Load(store, headKey);
        }
        finally
        {
            // every thread has finished and the reader is disposed: nothing reads these buffers any more
            buffers.ReturnAll();
        }
    }

    /// <summary>
    /// The read buffers of one load, rented from <see cref="ArrayPool{T}.Shared"/> and all returned at its end. A
    /// buffer the reader replaced with a larger one (a section larger than a buffer) is simply not used again.
    /// </summary>
    private sealed class ReadBuffers
    {
        private readonly List<byte[]> _rented = new();

        public byte[] Rent()
        {
            var b = ArrayPool<byte>.Shared.Rent(CarReader.BufferBytes);
            lock (_rented) _rented.Add(b);
            return b;
        }

        public void ReturnAll()
        {
            lock (_rented)
            {
                foreach (var b in _rented) ArrayPool<byte>.Shared.Return(b);
                _rented.Clear();
            }
        }
    }

    /// <summary>True for the blocks the store holds (identity blocks and other codecs are verified, not stored).</summary>
    private static bool IsStored(Cid.Parts parts) => parts.HashCode != Multicodec.Identity && DagLinks.IsBlockCodec(parts.Codec);

    /// <summary>Why a block cannot be imported whatever its bytes (a hash function not computed here, a block too large to store), or null.</summary>
    private static FilFilFormatException? Problem(long offset, ReadOnlySpan<byte> cid, Cid.Parts parts, int dataLength)
    {
        if (!Hashing.CanVerify(parts.HashCode))
            return new FilFilFormatException("CAR", offset, "blocks hashed with identity, sha2-256 or blake2b-256", Multicodec.HashName(parts.HashCode));
        if (IsStored(parts) && dataLength > BlockStore.MaxDataLength)
            return new FilFilFormatException("CAR", offset, $"blocks of at most {BlockStore.MaxDataLength} bytes", $"{dataLength} bytes in {Cid.FromBytes(cid)}");
        return null;
    }

    private static FilFilFormatException Mismatch(long offset, ReadOnlySpan<byte> cid) =>
        new("CAR", offset, $"block bytes that hash to {Cid.FromBytes(cid)}", "a hash mismatch");

    /// <summary>
    /// Leader/follower loading: every thread takes turns at the reader (one at a time) to read a run into a buffer of
    /// its own, then processes it while the next thread reads. Records the bad block with the lowest CAR offset.
    /// </summary>
    private sealed class RunLoader(CarReader reader, BlockStore store, int runBytes, ReadBuffers buffers, CancellationToken ct)
    {
        private readonly object _readGate = new(); // the reader, and _eof
        private readonly object _gate = new(); // the first bad block and the first other error
        private Exception? _first;
        private long _firstOffset = long.MaxValue;
        private Exception? _readError; // from the reader (malformed section, I/O): after every run handed out
        private volatile bool _stop; // a failure or a cancellation: no more runs are read
        private bool _eof;

        /// <summary>Loads the rest of the input on this thread and <c>parallelism - 1</c> workers; throws the first bad block's error, if any.</summary>
        public void Run(int parallelism)
        {
            var workers = new Thread[Math.Max(0, parallelism - 1)];
            for (int i = 0; i < workers.Length; i++)
            {
                workers[i] = new Thread(Work) { IsBackground = true, Name = "FilFil import" };
                workers[i].Start();
            }
            Work();
            foreach (var t in workers) t.Join();
            if (_first is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
            if (_readError is { } r) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(r);
            ct.ThrowIfCancellationRequested();
        }

        private void Work()
        {
            try
            {
                var run = SnapshotImporter.Run.Rent();
                // the buffer of this thread's last run (the reader may still hold it: the next thread copies its
                // unread tail) and the one before it (free: this thread's last turn moved the reader off it)
                byte[] held = buffers.Rent(), spare = buffers.Rent();
                while (TryRead(run, spare))
                {
                    (spare, held) = (held, run.Buffer);
                    (long Offset, Exception Error)? bad;
                    try { bad = run.Process(store); }
                    catch (Exception e) { bad = (run.FirstOffset, e); }
                    run.Clear();
                    if (bad is { } b) Fail(b.Offset, b.Error);
                }
                SnapshotImporter.Run.Return(run);
            }
            catch (Exception e)
            {
                Fail(long.MaxValue, e);
            }
        }

        private void Fail(long offset, Exception e)
        {
            lock (_gate)
            {
                if (offset == long.MaxValue) _readError ??= e;
                else if (offset < _firstOffset) (_firstOffset, _first) = (offset, e);
            }
            _stop = true;
        }

        /// <summary>This thread's turn at the reader: the next run, read into <paramref name="spare"/> (false: nothing more to read).</summary>
        private bool TryRead(Run run, byte[] spare)
        {
            lock (_readGate)
            {
                if (_stop || _eof) return false;
                if (ct.IsCancellationRequested)
                {
                    _stop = true;
                    return false;
                }
                try
                {
                    // continue in this thread's buffer (the unread tail of the last run's buffer is copied into it)
                    reader.SwapBuffer(spare);
                    reader.FillBuffer();
                    if (!reader.TryRead(out var b))
                    {
                        _eof = true;
                        return false;
                    }
                    run.Add(b);
                    while (run.Bytes < runBytes && reader.TryReadBufferedSection(out long offset, out int start, out int length)) run.Add(offset, start, length);
                    return true;
                }
                catch (Exception e)
                {
                    // every run handed out lies before this point: a bad block in one of them comes first
                    run.Clear();
                    Fail(long.MaxValue, e);
                    return false;
                }
            }
        }
    }

    /// <summary>
    /// Whole CAR sections in one read buffer, which the run owns until it is processed: CIDs parsed, blocks verified
    /// (BLAKE2b-256 in batches of <see cref="BatchSize"/> through <see cref="Blake2bBatch"/>, anything else one by
    /// one), then stored in one <see cref="BlockStore.InsertRun"/>.
    /// </summary>
    private sealed unsafe class Run
    {
        private const int BatchSize = 512;
        private byte[]? _buffer;
        private (long Offset, int Start, int Length)[] _sections = new (long, int, int)[4096];
        private RunBlock[] _blocks = new RunBlock[4096];
        private Cid.Parts[] _parts = new Cid.Parts[4096];
        private RunBlock[] _stored = new RunBlock[4096];
        private readonly nint[] _ptrs = new nint[BatchSize];
        private readonly int[] _lengths = new int[BatchSize];
        private readonly int[] _which = new int[BatchSize];
        private readonly byte[] _digests = new byte[32 * BatchSize];
        private int _count;

        // a run's arrays (about 250 KiB, most of it on the large object heap) are kept for the next load's threads
        private static readonly System.Collections.Concurrent.ConcurrentBag<Run> Kept = new();

        /// <summary>An empty run: one a finished load gave back, or a new one.</summary>
        public static Run Rent() => Kept.TryTake(out var r) ? r : new Run();

        /// <summary>Gives back an empty run (at most one per processor is kept).</summary>
        public static void Return(Run run)
        {
            run.Clear();
            if (Kept.Count < Environment.ProcessorCount) Kept.Add(run);
        }

        /// <summary>The read buffer the run's sections lie in.</summary>
        public byte[] Buffer => _buffer ?? throw new InvalidOperationException("the run is empty");

        /// <summary>Section bytes (CIDs and data) in the run.</summary>
        public long Bytes { get; private set; }

        public long FirstOffset => _count == 0 ? long.MaxValue : _sections[0].Offset;

        /// <summary>Adds a block read into the reader's current buffer (every block of a run lies in one buffer).</summary>
        public void Add(in CarBlock b)
        {
            if (!System.Runtime.InteropServices.MemoryMarshal.TryGetArray(b.CidBytes, out var seg) || (_buffer ??= seg.Array) != seg.Array)
                throw new InvalidOperationException("the blocks of a run must lie in one reader buffer");
            Add(b.Offset, seg.Offset, b.CidBytes.Length + b.Data.Length);
        }

        /// <summary>Adds the section at <paramref name="start"/> of the buffer the run's first block lies in.</summary>
        public void Add(long offset, int start, int length)
        {
            if (_count == _sections.Length)
            {
                Array.Resize(ref _sections, 2 * _count);
                Array.Resize(ref _blocks, 2 * _count);
                Array.Resize(ref _parts, 2 * _count);
                Array.Resize(ref _stored, 2 * _count);
            }
            _sections[_count++] = (offset, start, length);
            Bytes += length;
        }

        public void Clear()
        {
            _buffer = null;
            _count = 0;
            Bytes = 0;
        }

        /// <summary>Parses and verifies every block and, when all are good, stores the run; returns the first bad block in file order.</summary>
        public (long Offset, Exception Error)? Process(BlockStore store)
        {
            if (_count == 0) return null;
            FilFilFormatException? bad = null;
            void Fail(FilFilFormatException e)
            {
                if (bad is null || e.Offset < bad.Offset) bad = e;
            }
            var buffer = _buffer!;
            int stored = 0, batched = 0;
            fixed (byte* buf = buffer)
            {
                for (int k = 0; k < _count; k++)
                {
                    var (offset, start, length) = _sections[k];
                    Cid.Parts parts;
                    try
                    {
                        // as CarReader.TryRead parses it: the CID's offset is past the (minimal) length varint
                        parts = Cid.ReadPrefix(new ReadOnlySpan<byte>(buf + start, length), offset + Varint.Size((ulong)length));
                    }
                    catch (FilFilFormatException e)
                    {
                        Fail(e);
                        continue;
                    }
                    var b = _blocks[k] = new RunBlock(start, parts.Length, length - parts.Length);
                    _parts[k] = parts;
                    var cid = new ReadOnlySpan<byte>(buf + start, parts.Length);
                    if (Problem(offset, cid, parts, b.DataLength) is { } p)
                    {
                        Fail(p);
                        continue;
                    }
                    if (parts.HashCode == Multicodec.Blake2b256 && parts.DigestLength == 32 && DagLinks.IsBlockCodec(parts.Codec))
                    {
                        _ptrs[batched] = (nint)(buf + start + parts.Length);
                        _lengths[batched] = b.DataLength;
                        _which[batched] = k;
                        if (++batched == BatchSize)
                        {
                            VerifyBatch(buf, batched, Fail);
                            batched = 0;
                        }
                    }
                    else if (!Hashing.Verify(parts.HashCode, cid.Slice(parts.DigestOffset, parts.DigestLength), new ReadOnlySpan<byte>(buf + start + parts.Length, b.DataLength)))
                    {
                        Fail(Mismatch(offset, cid));
                    }
                    if (IsStored(parts)) _stored[stored++] = b;
                }
                VerifyBatch(buf, batched, Fail);
            }
            if (bad is not null) return (bad.Offset, bad);
            store.InsertRun(buffer, _stored.AsSpan(0, stored));
            return null;
        }

        private void VerifyBatch(byte* buf, int n, Action<FilFilFormatException> fail)
        {
            if (n == 0) return;
            Blake2bBatch.Hash256(_ptrs.AsSpan(0, n), _lengths.AsSpan(0, n), _digests);
            for (int i = 0; i < n; i++)
            {
                int k = _which[i];
                var cid = new ReadOnlySpan<byte>(buf + _blocks[k].Start, _blocks[k].CidLength);
                if (!cid.Slice(_parts[k].DigestOffset, 32).SequenceEqual(_digests.AsSpan(32 * i, 32))) fail(Mismatch(_sections[k].Offset, cid));
            }
        }
    }
}
