using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using FilFil.Core.Encoding;

namespace FilFil.Core.Car;

/// <summary>
/// Builds CARv1 sections straight into large buffers and hands each full buffer to a dedicated writer thread, so
/// the producer (a snapshot walk) fills the next buffer while earlier ones go to the stream (a file, a commP tee,
/// a piece splitter). Writes reach the stream in order, one at a time; a write failure surfaces at the next
/// hand-off or at <see cref="Complete"/>. A dedicated thread rather than pool tasks: the walk already occupies a
/// pool thread, and the stream may use the pool itself (commP workers), so waiting on pool work here could starve.
/// Not thread-safe: one producer.
/// </summary>
internal sealed class CarSectionSink : IDisposable
{
    private const int Buffers = 4;
    private readonly Stream _out;
    private readonly int _size;
    private readonly BlockingCollection<(byte[] Buf, int Len, bool Pooled)> _full = new(Buffers);
    private readonly BlockingCollection<byte[]> _free = new(Buffers);
    private readonly Thread _writer;
    private volatile ExceptionDispatchInfo? _error;
    private byte[] _buf;
    private int _len;
    private bool _completed;

    public CarSectionSink(Stream output, int bufferSize = 1 << 20)
    {
        _out = output;
        _size = bufferSize;
        for (int i = 1; i < Buffers; i++) _free.Add(new byte[bufferSize]);
        _buf = new byte[bufferSize];
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "FilFil CAR writer" };
        _writer.Start();
    }

    /// <summary>Payload bytes accepted (header and sections).</summary>
    public long BytesWritten { get; private set; }
    public long BlocksWritten { get; private set; }

    private void WriteLoop()
    {
        foreach (var (buf, len, pooled) in _full.GetConsumingEnumerable())
        {
            if (_error is null)
            {
                try { _out.Write(buf, 0, len); }
                catch (Exception e) { _error = ExceptionDispatchInfo.Capture(e); }
            }
            if (pooled) _free.Add(buf);
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
        if (_len + total > _size)
        {
            HandOff();
            if (total > _size)
            {
                // larger than a buffer (blocks go up to 4 MiB): its own array, queued in order
                var big = new byte[total];
                int n = Varint.Write(big, (ulong)bodyLength);
                a.CopyTo(big.AsSpan(n));
                b.CopyTo(big.AsSpan(n + a.Length));
                _full.Add((big, total, false));
                BytesWritten += total;
                return;
            }
        }
        int p = _len + Varint.Write(_buf.AsSpan(_len), (ulong)bodyLength);
        a.CopyTo(_buf.AsSpan(p));
        b.CopyTo(_buf.AsSpan(p + a.Length));
        _len += total;
        BytesWritten += total;
    }

    private void HandOff()
    {
        _error?.Throw();
        if (_len == 0) return;
        _full.Add((_buf, _len, true));
        _buf = _free.Take(); // waits while every other buffer is queued or being written
        _len = 0;
    }

    /// <summary>Writes what is buffered and waits for every write to finish (rethrowing a write failure).</summary>
    public void Complete()
    {
        HandOff();
        _completed = true;
        _full.CompleteAdding();
        _writer.Join();
        _error?.Throw();
    }

    /// <summary>Stops the writer thread after what is queued (a failure is not rethrown: the caller is already failing).</summary>
    public void Dispose()
    {
        if (!_completed)
        {
            _completed = true;
            _full.CompleteAdding();
            _writer.Join();
        }
        _full.Dispose();
        _free.Dispose();
    }
}
