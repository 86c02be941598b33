namespace FilFil.Core.Piece;

/// <summary>
/// A write-only tee: bytes written go to an inner stream and into a <see cref="CommPHasher"/>, so a writer (e.g. a
/// CAR snapshot) gets its piece commitment in the same pass. Call <see cref="Finish"/> after the last write.
/// </summary>
public sealed class CommPStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly CommPHasher _hasher;
    private PieceInfo? _result;
    private bool _disposed;

    /// <param name="inner">Destination of the bytes (use <see cref="Stream.Null"/> to only hash).</param>
    /// <param name="leaveOpen">Keep <paramref name="inner"/> open when this stream is disposed.</param>
    /// <param name="maxParallelism">Passed to <see cref="CommPHasher(int, CommPHashBackend)"/>; 0 = all processors.</param>
    public CommPStream(Stream inner, bool leaveOpen = false, int maxParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanWrite) throw new ArgumentException("inner stream is not writable", nameof(inner));
        _inner = inner;
        _leaveOpen = leaveOpen;
        _hasher = new CommPHasher(maxParallelism);
    }

    /// <summary>Payload bytes written (and hashed) so far.</summary>
    public long BytesWritten => _hasher.BytesWritten;

    /// <summary>The result once <see cref="Finish"/> has run.</summary>
    public PieceInfo? Result => _result;

    /// <summary>Flushes the inner stream and completes the commitment. Further writes throw.</summary>
    public PieceInfo Finish()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_result is not null) return _result;
        _inner.Flush();
        _result = _hasher.Finish();
        return _result;
    }

    private void CheckWritable(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_result is not null) throw new InvalidOperationException("CommPStream.Finish was already called");
        if ((ulong)_hasher.BytesWritten + (ulong)count > CommPHasher.MaxPayloadSize)
            throw new InvalidOperationException(
                $"piece payload too large: {(ulong)_hasher.BytesWritten + (ulong)count} bytes exceeds the maximum {CommPHasher.MaxPayloadSize} bytes (64 GiB padded piece)");
    }

    /// <summary>Writes of at least this many bytes go to the inner stream on another thread while they are hashed.</summary>
    private const int ConcurrentWriteMin = 256 << 10;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        CheckWritable(buffer.Length);
        _inner.Write(buffer);
        _hasher.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        if (count < ConcurrentWriteMin || _inner == Null)
        {
            Write(buffer.AsSpan(offset, count));
            return;
        }
        // A large array write: the inner stream (a file) takes it on a pool thread while this thread hashes it, so a
        // snapshot pays max(write, hash) rather than their sum. The caller's array stays untouched until both end.
        CheckWritable(count);
        var write = Task.Run(() => _inner.Write(buffer, offset, count));
        try
        {
            _hasher.Write(buffer.AsSpan(offset, count));
        }
        finally
        {
            write.GetAwaiter().GetResult();
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckWritable(buffer.Length);
        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _hasher.Write(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => _result is null && !_disposed;
    public override long Length => throw new NotSupportedException("CommPStream is write-only and not seekable");
    public override long Position
    {
        get => _hasher.BytesWritten;
        set => throw new NotSupportedException("CommPStream is not seekable");
    }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("CommPStream is write-only");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("CommPStream is not seekable");
    public override void SetLength(long value) => throw new NotSupportedException("CommPStream is not seekable");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _hasher.Dispose();
            if (!_leaveOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
