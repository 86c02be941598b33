using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using FilFil.Core.Encoding;
using FilFil.Core.Piece;

namespace FilFil.Core.Car;

/// <summary>
/// Builds CARv1 sections straight into large buffers and hands each full buffer to a dedicated writer thread, so
/// the producer (a snapshot walk) fills the next buffer while earlier ones go to the stream (a file, a zstd
/// encoder, a piece splitter). With a <see cref="CommPHasher"/>, a second dedicated thread hashes the same buffers,
/// each consumer at its own pace: a buffer goes back to the pool when both have finished with it, so a slow file
/// write does not hold up the hashing or the other way round (up to the number of buffers). Writes reach the stream
/// in order, one at a time, and the hasher sees the same bytes in the same order. A failure on either thread
/// surfaces at the next hand-off or at <see cref="Complete"/>. Dedicated threads rather than pool tasks: the walk
/// already occupies a pool thread, and the hasher fans out over the pool itself, so waiting on pool work here could
/// starve. Not thread-safe: one producer.
/// </summary>
internal sealed class CarSectionSink : IDisposable
{
    private const int Buffers = 8;

    private sealed class Chunk(byte[] buf, bool pooled)
    {
        public readonly byte[] Buf = buf;
        public readonly bool Pooled = pooled;
        public int Len;
        public int Pending; // consumers still using it
    }

    private readonly Stream _out;
    private readonly int _size;
    private readonly BlockingCollection<Chunk> _toWrite = new();
    private readonly BlockingCollection<Chunk>? _toHash;
    private readonly BlockingCollection<Chunk> _free = new(Buffers);
    private readonly Thread _writer;
    private readonly Thread? _hashThread;
    private volatile ExceptionDispatchInfo? _error;
    private Chunk _cur;
    private bool _completed;

    /// <param name="output">Receives the CAR bytes.</param>
    /// <param name="hasher">When given, also receives every byte (on its own thread); the caller finishes it.</param>
    public CarSectionSink(Stream output, CommPHasher? hasher = null, int bufferSize = 1 << 20)
    {
        _out = output;
        _size = bufferSize;
        for (int i = 1; i < Buffers; i++) _free.Add(new Chunk(new byte[bufferSize], pooled: true));
        _cur = new Chunk(new byte[bufferSize], pooled: true);
        _writer = new Thread(() => Consume(_toWrite, c => _out.Write(c.Buf, 0, c.Len))) { IsBackground = true, Name = "FilFil CAR writer" };
        _writer.Start();
        if (hasher is not null)
        {
            _toHash = new BlockingCollection<Chunk>();
            _hashThread = new Thread(() => Consume(_toHash, c => hasher.Write(c.Buf.AsSpan(0, c.Len)))) { IsBackground = true, Name = "FilFil CAR commP" };
            _hashThread.Start();
        }
    }

    /// <summary>Payload bytes accepted (header and sections).</summary>
    public long BytesWritten { get; private set; }
    public long BlocksWritten { get; private set; }

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
                Queue(big);
                BytesWritten += total;
                return;
            }
        }
        var buf = _cur.Buf;
        int p = _cur.Len + Varint.Write(buf.AsSpan(_cur.Len), (ulong)bodyLength);
        a.CopyTo(buf.AsSpan(p));
        b.CopyTo(buf.AsSpan(p + a.Length));
        _cur.Len += total;
        BytesWritten += total;
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
        Queue(_cur);
        if (!_free.TryTake(out var next))
        {
            if (AroundWait is { } around) around(() => next = _free.Take());
            else next = _free.Take();
        }
        _cur = next!;
    }

    /// <summary>Writes (and hashes) what is buffered and waits for both to finish (rethrowing a failure).</summary>
    public void Complete()
    {
        HandOff();
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
        _toWrite.Dispose();
        _toHash?.Dispose();
        _free.Dispose();
    }
}
