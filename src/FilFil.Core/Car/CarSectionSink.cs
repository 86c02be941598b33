using System.Runtime.ExceptionServices;
using FilFil.Core.Encoding;

namespace FilFil.Core.Car;

/// <summary>
/// Builds CARv1 sections straight into large buffers and hands each full buffer to a background write, so the
/// producer (a snapshot walk) fills the next buffer while the previous one goes to the stream (a file, a commP
/// tee, a piece splitter). Writes reach the stream in order, one at a time; a write failure surfaces at the next
/// hand-off or at <see cref="Complete"/>. Not thread-safe: one producer.
/// </summary>
internal sealed class CarSectionSink : IDisposable
{
    private readonly Stream _out;
    private byte[] _buf;
    private byte[] _spare;
    private int _len;
    private Task _pending = Task.CompletedTask;

    public CarSectionSink(Stream output, int bufferSize = 1 << 20)
    {
        _out = output;
        _buf = new byte[bufferSize];
        _spare = new byte[bufferSize];
    }

    /// <summary>Payload bytes accepted (header and sections).</summary>
    public long BytesWritten { get; private set; }
    public long BlocksWritten { get; private set; }

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
        if (_len + total > _buf.Length)
        {
            HandOff();
            if (total > _buf.Length)
            {
                // larger than a buffer (blocks go up to 4 MiB): write it directly, in order
                Wait();
                var big = new byte[total];
                int n = Varint.Write(big, (ulong)bodyLength);
                a.CopyTo(big.AsSpan(n));
                b.CopyTo(big.AsSpan(n + a.Length));
                _out.Write(big);
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

    private void Wait()
    {
        try { _pending.GetAwaiter().GetResult(); }
        finally { _pending = Task.CompletedTask; }
    }

    private void HandOff()
    {
        if (_len == 0) return;
        Wait(); // the previous buffer is written: it becomes the spare
        var full = _buf;
        int n = _len;
        _pending = Task.Run(() => _out.Write(full, 0, n));
        (_buf, _spare) = (_spare, full);
        _len = 0;
    }

    /// <summary>Writes what is buffered and waits for every write to finish (rethrowing a write failure).</summary>
    public void Complete()
    {
        HandOff();
        Wait();
    }

    /// <summary>Waits for a write in progress (its failure is not rethrown: the caller is already failing).</summary>
    public void Dispose()
    {
        try { _pending.Wait(); } catch (AggregateException) { }
    }
}
