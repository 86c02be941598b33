namespace FilFil.Core.Piece;

/// <summary>
/// Incremental piece commitment (commP) of a byte stream. <see cref="Write"/> takes any chunk sizes; the payload is
/// cut into chunks of 8192 quads (1,040,384 bytes, a 1 MiB / 2^15-leaf subtree) hashed on worker threads, and the
/// chunk roots are combined in order. <see cref="Finish"/> zero-fills the last quad, pads the tree to a power of two
/// with precomputed zero-subtree roots (never hashing padding) and returns the <see cref="PieceInfo"/>.
/// Not thread-safe: one writer at a time.
/// </summary>
/// <remarks>
/// Payloads under 127 bytes are padded to one 127-byte quad (a 128-byte piece, height 2), as FRC-0069 and
/// storacha/data-segment define; the empty payload gives padding 127. The largest payload is
/// <see cref="MaxPayloadSize"/> (a 64 GiB padded piece, height 31).
/// </remarks>
public sealed class CommPHasher : IDisposable
{
    /// <summary>Largest padded piece: 64 GiB (height 31), as go-fil-commp-hashhash <c>MaxPieceSize</c>.</summary>
    public const ulong MaxPaddedSize = 1UL << 36;
    /// <summary>Largest payload: 64 GiB x 127/128 = 68,182,605,824 bytes.</summary>
    public const ulong MaxPayloadSize = MaxPaddedSize / 128 * 127;
    /// <summary>Tree height of the largest piece: log2(64 GiB / 32).</summary>
    public const int MaxHeight = 31;

    internal const int ChunkLevel = 15;
    internal const int ChunkQuads = 1 << (ChunkLevel - 2);
    internal const int ChunkPayload = ChunkQuads * Fr32.InBytesPerQuad;

    private readonly NodeHasher _hasher;
    private readonly int _parallelism;
    private readonly NodeStack _stack;
    private readonly Queue<Task<byte[]>> _inflight = new();
    private readonly Stack<byte[]> _free = new(); // chunk buffers owned by this hasher (lock on it)
    private byte[]? _buf;
    private int _bufLen;
    private long _written;
    private long _chunks;
    private bool _finished;
    private bool _disposed;

    /// <summary>Uses the native SHA-256 path when available and all processors.</summary>
    public CommPHasher() : this(0, CommPHashBackend.Auto) { }

    /// <param name="maxParallelism">Worker threads for chunk hashing; 0 = <see cref="Environment.ProcessorCount"/>, 1 = hash on the writing thread.</param>
    /// <param name="backend">The SHA-256 implementation for tree nodes.</param>
    public CommPHasher(int maxParallelism, CommPHashBackend backend = CommPHashBackend.Auto)
    {
        if (maxParallelism < 0) throw new ArgumentOutOfRangeException(nameof(maxParallelism), maxParallelism, "must be 0 (all processors) or positive");
        _parallelism = maxParallelism == 0 ? Environment.ProcessorCount : maxParallelism;
        _hasher = NodeHasher.For(backend);
        _stack = new NodeStack(_hasher);
    }

    /// <summary>True when libcrypto's SHA-256 can be used for <see cref="CommPHashBackend.Native"/>.</summary>
    public static bool NativeAvailable => NodeHasher.Native is not null;

    /// <summary>Name of the node hash path in use (for logs and benchmarks).</summary>
    public string HashPath => _hasher.Name;

    /// <summary>Payload bytes written so far.</summary>
    public long BytesWritten => _written;

    /// <summary>Adds payload bytes. Throws when the total would exceed <see cref="MaxPayloadSize"/>.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished) throw new InvalidOperationException("CommPHasher.Finish was already called");
        if ((ulong)_written + (ulong)data.Length > MaxPayloadSize)
            throw new InvalidOperationException(
                $"piece payload too large: {(ulong)_written + (ulong)data.Length} bytes exceeds the maximum {MaxPayloadSize} bytes (64 GiB padded piece, height {MaxHeight})");
        while (!data.IsEmpty)
        {
            _buf ??= RentChunk();
            int n = Math.Min(ChunkPayload - _bufLen, data.Length);
            data[..n].CopyTo(_buf.AsSpan(_bufLen));
            _bufLen += n;
            _written += n;
            data = data[n..];
            if (_bufLen == ChunkPayload) SubmitChunk();
        }
    }

    private void SubmitChunk()
    {
        var buf = _buf!;
        _bufLen = 0;
        _chunks++;
        if (_parallelism == 1)
        {
            Span<byte> root = stackalloc byte[32];
            HashChunk(buf, _hasher, root);
            _stack.Push(root, ChunkLevel);
            return;
        }
        _buf = null;
        var hasher = _hasher;
        _inflight.Enqueue(Task.Run(() =>
        {
            var root = new byte[32];
            try { HashChunk(buf, hasher, root); }
            finally { lock (_free) _free.Push(buf); }
            return root;
        }));
        // Keep a few chunks queued beyond the worker count so workers stay busy while this (writing) thread is
        // descheduled or copying; memory in flight is about 3 x parallelism MiB.
        while (_inflight.Count > MaxInFlight) DrainOne();
    }

    private int MaxInFlight => Math.Max(4, 3 * _parallelism);

    private void DrainOne() => _stack.Push(_inflight.Dequeue().GetAwaiter().GetResult(), ChunkLevel);

    private static unsafe void HashChunk(byte[] payload, NodeHasher hasher, Span<byte> root)
    {
        var local = new NodeStack(hasher);
        fixed (byte* p = payload) QuadHasher.HashQuads(p, ChunkQuads, hasher, local);
        local.TakeSingle(ChunkLevel, root);
    }

    /// <summary>Completes the piece. Can be called once.</summary>
    public unsafe PieceInfo Finish()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished) throw new InvalidOperationException("CommPHasher.Finish was already called");
        _finished = true;
        while (_inflight.Count > 0) DrainOne();

        // The last partial chunk: zero-fill to whole quads (at least one quad for an empty payload).
        int tailQuads = _written == 0 ? 1 : (_bufLen + Fr32.InBytesPerQuad - 1) / Fr32.InBytesPerQuad;
        if (tailQuads > 0)
        {
            _buf ??= RentChunk();
            _buf.AsSpan(_bufLen, tailQuads * Fr32.InBytesPerQuad - _bufLen).Clear();
            fixed (byte* p = _buf) QuadHasher.HashQuads(p, tailQuads, _hasher, _stack);
        }
        ReturnBuffer();

        ulong quads = (ulong)_chunks * ChunkQuads + (ulong)tailQuads;
        var root = new byte[32];
        int height = PieceCommitment.HeightForLeaves(quads * 4);
        _stack.Finish(height, root);
        return PieceCommitment.MakeInfo(root, (ulong)_written, height);
    }

    private byte[] RentChunk()
    {
        lock (_free)
            if (_free.Count > 0) return _free.Pop();
        return GC.AllocateUninitializedArray<byte>(ChunkPayload);
    }

    private void ReturnBuffer()
    {
        _buf = null;
        lock (_free) _free.Clear();
    }

    /// <summary>Waits for running workers and releases buffers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        while (_inflight.Count > 0)
        {
            try { _inflight.Dequeue().Wait(); } catch (AggregateException) { }
        }
        ReturnBuffer();
    }
}
