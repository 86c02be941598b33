using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using FilFil.Core.Encoding;
using FilFil.Core.Piece;

namespace FilFil.Core.Car;

/// <summary>
/// Builds CARv1 sections straight into large buffers and hands each full buffer to a dedicated writer thread, so
/// the producer (a snapshot walk) fills the next buffer while earlier ones go to the stream (a file, a zstd
/// encoder). With a <see cref="CommPHasher"/>, a second dedicated thread hashes the same buffers, each consumer at
/// its own pace: a buffer goes back to the pool when both have finished with it, so a slow file write does not hold
/// up the hashing or the other way round (up to the number of buffers). Writes reach the stream in order, one at a
/// time, and the hasher sees the same bytes in the same order. A failure on either thread surfaces at the next
/// hand-off or at <see cref="Complete"/>. Dedicated threads rather than pool tasks: the walk already occupies a pool
/// thread, and the hasher fans out over the pool itself, so waiting on pool work here could starve.
/// <para>
/// Split into pieces (the <see cref="IPieceFiles"/> constructor), the sink cuts where it frames a section, since it
/// knows each section's length before it copies it: a section that would take the current piece past its limit
/// starts a new piece, which begins with the header again. The cut travels down both queues as a marker, so the
/// writer thread moves to the next file and the commP thread to a new <see cref="CommPHasher"/> at exactly that
/// byte, and every piece is hashed on the commP thread as a single file is.
/// </para>
/// Not thread-safe: one producer.
/// </summary>
internal sealed class CarSectionSink : IDisposable
{
    private const int Buffers = 8;

    private sealed class Chunk(byte[] buf, bool pooled)
    {
        public readonly byte[] Buf = buf;
        public readonly bool Pooled = pooled;
        public int Len;
        public int Pending;    // consumers still using it
        public long StreamEnd; // bytes of the snapshot stream (the header once) up to the end of this chunk
        public Cut Cut;        // a marker between pieces (no bytes)
    }

    private enum Cut : byte { None, NextPiece, End }

    private Stream _out;
    private readonly int _size;
    private readonly BlockingCollection<Chunk> _toWrite = new();
    private readonly BlockingCollection<Chunk>? _toHash;
    private readonly BlockingCollection<Chunk> _free = new(Buffers);
    private readonly Thread _writer;
    private readonly Thread? _hashThread;
    private volatile ExceptionDispatchInfo? _error;
    private Chunk _cur;
    private bool _completed;

    // pieces
    private readonly IPieceFiles? _pieceFiles;
    private readonly long _pieceMax;
    private readonly int _commPParallelism;
    private readonly IProgress<long>? _progress;
    private readonly List<PieceInfo> _pieces = new();
    private CommPHasher? _pieceHasher; // the commP thread's
    private byte[]? _header;           // a split snapshot's header, repeated at the start of every piece
    private long _pieceBytes;          // bytes in the current piece (0: none started)
    private int _pieceCount;

    /// <param name="output">Receives the CAR bytes.</param>
    /// <param name="hasher">When given, also receives every byte (on its own thread); the caller finishes it.</param>
    public CarSectionSink(Stream output, CommPHasher? hasher = null, int bufferSize = 1 << 20)
    {
        _out = output;
        _size = bufferSize;
        _cur = new Chunk(new byte[bufferSize], pooled: true);
        (_writer, _hashThread, _toHash) = StartThreads(hasher is null ? null : c => hasher.Write(c.Buf.AsSpan(0, c.Len)));
    }

    /// <summary>
    /// A snapshot split into pieces of at most <paramref name="maxPieceBytes"/> each, every one a complete CARv1
    /// (the header, then whole sections) in its own file from <paramref name="files"/>, with its own commitment
    /// (<see cref="Pieces"/>) computed on the commP thread with <paramref name="commPParallelism"/> workers.
    /// </summary>
    /// <param name="progress">Receives the bytes of the snapshot stream written so far (the header counted once).</param>
    public CarSectionSink(IPieceFiles files, long maxPieceBytes, int commPParallelism, IProgress<long>? progress = null, int bufferSize = 1 << 20)
    {
        _out = Stream.Null;
        _size = bufferSize;
        _cur = new Chunk(new byte[bufferSize], pooled: true);
        _pieceFiles = files;
        _pieceMax = maxPieceBytes;
        _commPParallelism = commPParallelism;
        _progress = progress;
        (_writer, _hashThread, _toHash) = StartThreads(HashPieceChunk);
    }

    private (Thread, Thread?, BlockingCollection<Chunk>?) StartThreads(Action<Chunk>? hash)
    {
        for (int i = 1; i < Buffers; i++) _free.Add(new Chunk(new byte[_size], pooled: true));
        var writer = new Thread(() => Consume(_toWrite, WriteChunk)) { IsBackground = true, Name = "FilFil CAR writer" };
        writer.Start();
        if (hash is null) return (writer, null, null);
        var toHash = new BlockingCollection<Chunk>();
        var hashThread = new Thread(() => Consume(toHash, hash)) { IsBackground = true, Name = "FilFil CAR commP" };
        hashThread.Start();
        return (writer, hashThread, toHash);
    }

    /// <summary>Payload bytes accepted (header and sections; a split snapshot's header counted once).</summary>
    public long BytesWritten { get; private set; }
    public long BlocksWritten { get; private set; }

    /// <summary>The commitment of each piece, in order (a split snapshot, after <see cref="Complete"/>).</summary>
    public IReadOnlyList<PieceInfo> Pieces => _pieces;

    private void WriteChunk(Chunk c)
    {
        if (c.Cut != Cut.None)
        {
            if (c.Cut == Cut.NextPiece) _out = _pieceFiles!.StartPiece();
            else _pieceFiles!.EndPieces();
            return;
        }
        _out.Write(c.Buf, 0, c.Len);
        _progress?.Report(c.StreamEnd);
    }

    private void HashPieceChunk(Chunk c)
    {
        if (c.Cut != Cut.None)
        {
            if (_pieceHasher is { } done)
            {
                _pieceHasher = null;
                using (done) _pieces.Add(done.Finish());
            }
            if (c.Cut == Cut.NextPiece) _pieceHasher = new CommPHasher(_commPParallelism);
            return;
        }
        _pieceHasher!.Write(c.Buf.AsSpan(0, c.Len));
    }

    private void Consume(BlockingCollection<Chunk> queue, Action<Chunk> use)
    {
        foreach (var c in queue.GetConsumingEnumerable())
        {
            if (_error is null)
            {
                try { use(c); }
                catch (Exception e) { _error ??= ExceptionDispatchInfo.Capture(e); }
            }
            if (Interlocked.Decrement(ref c.Pending) == 0 && c.Pooled)
            {
                c.Len = 0;
                _free.Add(c);
            }
        }
    }

    /// <summary>Writes the CARv1 header (varint length + DAG-CBOR {roots, version: 1}).</summary>
    public void WriteHeader(IReadOnlyList<Ipld.Cid> roots)
    {
        var header = CarWriter.EncodeHeader(roots);
        if (_pieceFiles is not null)
        {
            // written at the start of each piece, from the first section on
            _header = header;
            BytesWritten += Varint.Size((ulong)header.Length) + header.Length;
            return;
        }
        Append(header.Length, header, default);
    }

    public void WriteSection(ReadOnlySpan<byte> cid, ReadOnlySpan<byte> data)
    {
        Append(cid.Length + data.Length, cid, data);
        BlocksWritten++;
    }

    private void Append(int bodyLength, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int total = Varint.Size((ulong)bodyLength) + bodyLength;
        if (_pieceFiles is not null)
        {
            if (_pieceBytes == 0 || _pieceBytes + total > _pieceMax) StartPiece(total);
            _pieceBytes += total;
        }
        Put(bodyLength, total, a, b, BytesWritten + total);
        BytesWritten += total;
    }

    /// <summary>Ends the current piece (if any) where the next section would overflow it, and starts the next with the header.</summary>
    private void StartPiece(int sectionLength)
    {
        var header = _header ?? throw new InvalidOperationException("the CAR header must be written first");
        int headerTotal = Varint.Size((ulong)header.Length) + header.Length;
        if (headerTotal + (long)sectionLength > _pieceMax)
#pragma warning disable CA2208 // the caller's argument (SnapshotWriter.WritePiecesAsync's maxPieceBytes) is what is out of range
            throw new ArgumentOutOfRangeException("maxPieceBytes", _pieceMax,
                sectionLength == 0 ? "smaller than the CAR header" : $"a {sectionLength}-byte block does not fit in a piece with its header");
#pragma warning restore CA2208
        HandOff();
        Queue(new Chunk([], pooled: false) { Cut = Cut.NextPiece });
        _pieceCount++;
        Put(header.Length, headerTotal, header, default, BytesWritten); // a repeated header is no snapshot byte
        _pieceBytes = headerTotal;
    }

    /// <summary>Frames one section (varint of <paramref name="bodyLength"/>, then a and b) into the current buffer.</summary>
    private void Put(int bodyLength, int total, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, long streamEnd)
    {
        if (_cur.Len + total > _size)
        {
            HandOff();
            if (total > _size)
            {
                // larger than a buffer (blocks go up to 4 MiB): its own array, queued in order
                var big = new Chunk(new byte[total], pooled: false) { Len = total };
                int n = Varint.Write(big.Buf, (ulong)bodyLength);
                a.CopyTo(big.Buf.AsSpan(n));
                b.CopyTo(big.Buf.AsSpan(n + a.Length));
                big.StreamEnd = streamEnd;
                Queue(big);
                return;
            }
        }
        var buf = _cur.Buf;
        int p = _cur.Len + Varint.Write(buf.AsSpan(_cur.Len), (ulong)bodyLength);
        a.CopyTo(buf.AsSpan(p));
        b.CopyTo(buf.AsSpan(p + a.Length));
        _cur.Len += total;
    }

    private void Queue(Chunk c)
    {
        c.Pending = _toHash is null ? 1 : 2;
        _toWrite.Add(c);
        _toHash?.Add(c);
    }

    /// <summary>
    /// Runs a wait for a free buffer (every other buffer is still being written or hashed). A snapshot walk sets it
    /// to release the block store's shared lock for the wait, so a slow disk does not hold up the follower's inserts.
    /// </summary>
    public Action<Action>? AroundWait { get; set; }

    private void HandOff()
    {
        _error?.Throw();
        if (_cur.Len == 0) return;
        _cur.StreamEnd = BytesWritten;
        Queue(_cur);
        if (!_free.TryTake(out var next))
        {
            if (AroundWait is { } around) around(() => next = _free.Take());
            else next = _free.Take();
        }
        _cur = next!;
    }

    /// <summary>
    /// Writes (and hashes) what is buffered and waits for both to finish (rethrowing a failure). A split snapshot
    /// ends its last piece (a snapshot of the header alone is one piece) and has every <see cref="Pieces"/> entry.
    /// </summary>
    public void Complete()
    {
        if (_pieceFiles is not null && _pieceCount == 0) StartPiece(0);
        HandOff();
        if (_pieceFiles is not null) Queue(new Chunk([], pooled: false) { Cut = Cut.End });
        Stop();
        _error?.Throw();
    }

    private void Stop()
    {
        if (_completed) return;
        _completed = true;
        _toWrite.CompleteAdding();
        _toHash?.CompleteAdding();
        _writer.Join();
        _hashThread?.Join();
    }

    /// <summary>Stops the threads after what is queued (a failure is not rethrown: the caller is already failing).</summary>
    public void Dispose()
    {
        Stop();
        _pieceHasher?.Dispose();
        _pieceHasher = null;
        _toWrite.Dispose();
        _toHash?.Dispose();
        _free.Dispose();
    }
}
