using System.Buffers;

namespace FilFil.Devnet.Rpc;

/// <summary>
/// Collects one request (a WebSocket message or an HTTP body) of at most <see cref="Cap"/> bytes in segments that
/// double from 4 KiB to 1 MiB. It never holds more than <c>Cap + 1</c> bytes (the one byte past the cap tells a
/// request that is too big), and growing never copies. Before, a doubling buffer grew from 64 to 128 MiB past the
/// 100 MiB cap and was copied on each doubling: one 150 MiB message took the process to 1.4-1.8 GiB.
/// Segments are rented from the shared array pool and returned when the request is done (<see cref="Clear"/>,
/// <see cref="Dispose"/>), so the next large request reuses them instead of adding to the garbage.
/// </summary>
internal sealed class RequestBuffer : IDisposable
{
    private const int FirstSegment = 4 << 10, LargestSegment = 1 << 20;
    private readonly List<ArraySegment<byte>> _segments = new(); // rented arrays, each used up to its Count
    private long _capacity;
    private int _lastUsed;

    public RequestBuffer(long cap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cap);
        Cap = cap;
    }

    /// <summary>The most bytes a request may have.</summary>
    public long Cap { get; }

    /// <summary>Bytes collected.</summary>
    public long Length { get; private set; }

    /// <summary>True once more than <see cref="Cap"/> bytes came: the request is refused, and nothing more is taken.</summary>
    public bool TooBig => Length > Cap;

    /// <summary>Bytes held in segments (at most <see cref="Cap"/> + 1).</summary>
    public long Capacity => _capacity;

    /// <summary>Room for the next read: the rest of the last segment, or a new one (never past <c>Cap + 1</c>; empty once <see cref="TooBig"/>).</summary>
    public Memory<byte> GetMemory()
    {
        if (TooBig) return Memory<byte>.Empty;
        if (_segments.Count == 0 || _lastUsed == _segments[^1].Count)
        {
            int size = (int)Math.Min(_segments.Count == 0 ? FirstSegment : Math.Min(_segments[^1].Count * 2, LargestSegment), Cap + 1 - _capacity);
            _segments.Add(new ArraySegment<byte>(ArrayPool<byte>.Shared.Rent(size), 0, size));
            _capacity += size;
            _lastUsed = 0;
        }
        return _segments[^1].AsMemory(_lastUsed);
    }

    /// <summary>Counts <paramref name="count"/> bytes written into the memory of the last <see cref="GetMemory"/>.</summary>
    public void Advance(int count)
    {
        _lastUsed += count;
        Length += count;
    }

    /// <summary>The request as one array of its exact length.</summary>
    public byte[] ToArray()
    {
        var all = new byte[Length];
        long at = 0;
        foreach (var s in _segments)
        {
            int n = (int)Math.Min(s.Count, Length - at);
            s.AsSpan(0, n).CopyTo(all.AsSpan((int)at));
            at += n;
        }
        return all;
    }

    /// <summary>Empties the buffer for the next request; only the first segment (4 KiB) is kept.</summary>
    public void Clear() => Release(keep: 1);

    /// <summary>
    /// Forgets every segment without returning it to the pool: a read may still write into it (a socket read that
    /// did not end when its connection was closed). The garbage collector takes the arrays.
    /// </summary>
    public void Abandon()
    {
        _segments.Clear();
        _capacity = 0;
        _lastUsed = 0;
        Length = 0;
    }

    /// <summary>Returns every segment to the pool.</summary>
    public void Dispose() => Release(keep: 0);

    private void Release(int keep)
    {
        keep = Math.Min(keep, _segments.Count);
        for (int i = keep; i < _segments.Count; i++) ArrayPool<byte>.Shared.Return(_segments[i].Array!);
        _segments.RemoveRange(keep, _segments.Count - keep);
        _capacity = _segments.Sum(x => (long)x.Count);
        _lastUsed = 0;
        Length = 0;
    }
}
