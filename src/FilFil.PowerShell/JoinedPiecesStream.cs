using FilFil.Core.Encoding;

namespace FilFil.PowerShell;

/// <summary>
/// The pieces of a split snapshot read back as the one CAR stream they hold, as SnapshotWriter.JoinPieces writes it:
/// the first piece whole, then each later piece after its repeated header. Read-only and forward-only; pieces are
/// opened one at a time, so nothing is copied to disk.
/// </summary>
internal sealed class JoinedPiecesStream : Stream
{
    private readonly IReadOnlyList<string> _pieces;
    private int _next;
    private FileStream? _current;

    public JoinedPiecesStream(IReadOnlyList<string> pieces) => _pieces = pieces;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (_current is null)
            {
                if (_next == _pieces.Count) return 0;
                _current = Open(_pieces[_next], skipHeader: _next > 0);
                _next++;
            }
            int n = _current.Read(buffer);
            if (n > 0 || buffer.IsEmpty) return n;
            _current.Dispose();
            _current = null;
        }
    }

    private static FileStream Open(string path, bool skipHeader)
    {
        var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (!skipHeader) return f;
        try
        {
            Span<byte> head = stackalloc byte[Varint.MaxLength];
            int got = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            int pos = 0;
            ulong length = Varint.Read(head[..got], ref pos, 0, $"CAR header length of {path}");
            f.Position = pos + (long)length;
            return f;
        }
        catch
        {
            f.Dispose();
            throw;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
        _current = null;
        base.Dispose(disposing);
    }
}
