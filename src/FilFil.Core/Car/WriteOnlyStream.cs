namespace FilFil.Core.Car;

/// <summary>
/// Base of the forward-only, write-only streams the writers chain together (piece splitter, progress and commP
/// observers, writeback): not readable, not seekable; <see cref="Stream.Position"/> is the byte count written,
/// which subclasses report through <see cref="Written"/>.
/// </summary>
internal abstract class WriteOnlyStream : Stream
{
    /// <summary>Bytes written so far (what <see cref="Position"/> returns).</summary>
    protected abstract long Written { get; }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override abstract void Write(ReadOnlySpan<byte> buffer);

    /// <summary>
    /// Ends the stream after its last write: writes out whatever a layer still holds (e.g. ends a zstd stream with
    /// its final frame) and flushes. <see cref="Stream.Flush"/> only flushes. The inner stream stays open.
    /// </summary>
    public virtual void Complete() => Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException("a write-only stream has no length");
    public override long Position { get => Written; set => throw new NotSupportedException("a write-only stream is not seekable"); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("a write-only stream cannot be read");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a write-only stream is not seekable");
    public override void SetLength(long value) => throw new NotSupportedException("a write-only stream is not seekable");
}
