using System.Buffers.Binary;
using System.Globalization;
using FilFil.Core.Encoding;
using FilFil.Core.Ipld;

namespace FilFil.Core.Car;

/// <summary>
/// Streaming CAR reader: CARv1, and the CARv2 container (reads its inner CARv1 payload). Input compressed with
/// zstd (by magic number) is decompressed on the fly, including forest's framed .car.zst with skippable index frames.
/// Every malformed byte raises a <see cref="FilFilFormatException"/> naming the payload offset.
/// </summary>
public sealed class CarReader : IDisposable
{
    /// <summary>Largest section we accept (go-car's default limit is 32 MiB; Filecoin blocks are at most 1 MiB).</summary>
    public const int MaxSectionLength = 32 << 20;
    public const int MaxHeaderLength = 32 << 20;

    private static readonly byte[] ZstdMagic = [0x28, 0xB5, 0x2F, 0xFD];
    private static readonly byte[] CarV2Pragma = [0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02];

    private readonly Stream _stream;
    private readonly PrefixStream? _compressed; // zstd input: counts the compressed bytes read
    /// <summary>Bytes of the read buffer a reader starts with (it grows for a larger section).</summary>
    internal const int BufferBytes = 1 << 20;

    private byte[] _buf;
    private int _start, _end;          // valid bytes are _buf[_start.._end)
    private long _bufPos;              // payload offset of _buf[_start]
    private long _limit = long.MaxValue; // CARv2: payload size
    private bool _eof;

    public IReadOnlyList<Cid> Roots { get; }
    /// <summary>1 for a plain CARv1, 2 for a CARv2 container.</summary>
    public int ContainerVersion { get; }
    public bool Compressed { get; }
    /// <summary>Payload bytes consumed so far (header + sections).</summary>
    public long Position => _bufPos;
    public long BlocksRead { get; private set; }

    /// <summary>
    /// When set, every block whose hash function can be computed here is checked as it is read, and a mismatch is
    /// a <see cref="FilFilFormatException"/> naming the section offset and CID. Off by default (callers that want to
    /// count failures use <see cref="CarBlock.VerifyHash"/>).
    /// </summary>
    public bool VerifyHashes { get; init; }

    /// <summary>Reads the CAR header (CARv1, or a CARv2 container and its inner CARv1 header) from <paramref name="stream"/>, decompressing zstd input.</summary>
    /// <exception cref="FilFilFormatException">The header is malformed, too long, not version 1 or 2, or has no roots array.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public CarReader(Stream stream, bool leaveOpen = false) : this(stream, leaveOpen, new byte[BufferBytes])
    {
    }

    /// <summary>A reader that starts in <paramref name="buffer"/> (at least 64 KiB; an importer passes a pooled one and owns it).</summary>
    internal CarReader(Stream stream, bool leaveOpen, byte[] buffer)
    {
        if (buffer.Length < 1 << 16) throw new ArgumentException("a read buffer of at least 64 KiB is required", nameof(buffer));
        _buf = buffer;
        var head = new byte[4];
        int n = ReadFully(stream, head);
        var prefixed = new PrefixStream(head.AsMemory(0, n), stream, leaveOpen);
        Stream s = prefixed;
        if (n == 4 && head.AsSpan().SequenceEqual(ZstdMagic))
        {
            Compressed = true;
            _compressed = prefixed;
            s = new ZstdSharp.DecompressionStream(s, leaveOpen: false);
        }
        _stream = s;
        try
        {
            (Roots, ContainerVersion) = ReadHeader(allowContainer: true);
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens a CAR file for sequential reading (see the constructor).</summary>
    /// <exception cref="FilFilFormatException">The header is malformed (see the constructor).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public static CarReader Open(string path, bool verifyHashes = false)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try { return new CarReader(fs) { VerifyHashes = verifyHashes }; }
        catch { fs.Dispose(); throw; }
    }

    private static int ReadFully(Stream s, Span<byte> dest)
    {
        int total = 0;
        while (total < dest.Length)
        {
            int r = s.Read(dest[total..]);
            if (r == 0) break;
            total += r;
        }
        return total;
    }

    private int Available => _end - _start;

    /// <summary>Makes at least <paramref name="n"/> bytes available if the input has them; returns what is available.</summary>
    private int Fill(int n)
    {
        if (Available >= n || _eof) return Available;
        if (_buf.Length < n)
        {
            var nb = new byte[Math.Max(n, _buf.Length * 2)];
            Buffer.BlockCopy(_buf, _start, nb, 0, Available);
            _end = Available; _start = 0; _buf = nb;
        }
        else if (_buf.Length - _start < n)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, Available);
            _end = Available; _start = 0;
        }
        while (Available < n && !_eof)
        {
            long room = _buf.Length - _end;
            long allowed = _limit - (_bufPos + Available);
            int want = (int)Math.Min(room, allowed);
            if (want <= 0) { _eof = true; break; }
            int r;
            try { r = _stream.Read(_buf, _end, want); }
            catch (EndOfStreamException e) when (_compressed is { } z)
            {
                // ZstdSharp's "Premature end of stream": the compressed input ends inside a frame
                throw new FilFilFormatException("CAR", _bufPos + Available, "the rest of the zstd frame",
                    $"the end of the compressed input at compressed offset {z.BytesRead.ToString(CultureInfo.InvariantCulture)} ({e.Message})", e);
            }
            catch (Exception e) when (e is not FilFilFormatException && e is not OperationCanceledException && e is not IOException)
            {
                string where = _compressed is { } z ? $" at compressed offset {z.BytesRead.ToString(CultureInfo.InvariantCulture)}" : "";
                throw new FilFilFormatException("CAR", _bufPos + Available, "readable (zstd) input", e.Message + where, e);
            }
            if (r == 0) { _eof = true; break; }
            _end += r;
        }
        return Available;
    }

    private void Consume(int n)
    {
        _start += n;
        _bufPos += n;
    }

    /// <summary>Reads a varint at the cursor; returns false at a clean end of input.</summary>
    private bool TryReadVarint(out ulong v, string what)
    {
        Fill(Varint.MaxLength);
        if (Available == 0) { v = 0; return false; }
        int n = Varint.TryRead(_buf.AsSpan(_start, Available), out v);
        if (n == 0) throw new FilFilFormatException("CAR", _bufPos + Available, $"the rest of the {what} varint", "end of input");
        if (n < 0) throw new FilFilFormatException("CAR", _bufPos, $"a valid {what} varint", n == -1 ? "a non-minimal varint" : "a varint longer than 9 bytes");
        Consume(n);
        return true;
    }

    /// <param name="allowContainer">
    /// True for the outer header only: a CARv2 container holds a CARv1 payload, so a CARv2 pragma inside one is a
    /// payload of version 2, refused as go-car and js-car refuse it (and never read recursively: nested containers
    /// cannot exhaust the stack).
    /// </param>
    private (IReadOnlyList<Cid>, int) ReadHeader(bool allowContainer)
    {
        long at = _bufPos;
        if (!TryReadVarint(out ulong len, "header length"))
            throw new FilFilFormatException("CAR", 0, "a CAR header", "empty input");
        if (len == 0 || len > MaxHeaderLength)
            throw new FilFilFormatException("CAR", at, $"a header length between 1 and {MaxHeaderLength}", len.ToString(CultureInfo.InvariantCulture));
        if (Fill((int)len) < (int)len)
            throw new FilFilFormatException("CAR", _bufPos + Available, $"a {len}-byte header", $"{Available} bytes before end of input");
        var hdr = _buf.AsSpan(_start, (int)len);
        long hdrAt = _bufPos;

        // CARv2: the pragma is a CARv1 header {version: 2}, followed by the fixed v2 header.
        if (allowContainer && at == 0 && len + 1 == (ulong)CarV2Pragma.Length && hdr.SequenceEqual(CarV2Pragma.AsSpan(1)))
        {
            Consume((int)len);
            if (Fill(40) < 40) throw new FilFilFormatException("CARv2", _bufPos, "a 40-byte CARv2 header", $"{Available} bytes");
            var v2 = _buf.AsSpan(_start, 40);
            ulong dataOffset = BinaryPrimitives.ReadUInt64LittleEndian(v2[16..]);
            ulong dataSize = BinaryPrimitives.ReadUInt64LittleEndian(v2[24..]);
            if (dataOffset < 51 || dataSize == 0 || dataOffset > long.MaxValue / 2 || dataSize > long.MaxValue / 2)
                throw new FilFilFormatException("CARv2", _bufPos + 16, "a data offset >= 51 and a non-zero data size", $"offset {dataOffset}, size {dataSize}");
            Consume(40);
            // skip to the payload
            long skip = (long)dataOffset - _bufPos;
            while (skip > 0)
            {
                int have = Fill((int)Math.Min(skip, _buf.Length));
                if (have == 0) throw new FilFilFormatException("CARv2", _bufPos, $"payload at offset {dataOffset}", "end of input");
                int k = (int)Math.Min(have, skip);
                Consume(k);
                skip -= k;
            }
            // From here offsets are relative to the inner CARv1 payload.
            _bufPos = 0;
            _limit = (long)dataSize;
            if (Available > (long)dataSize) _end = _start + (int)dataSize;
            var (innerRoots, _) = ReadHeader(allowContainer: false);
            return (innerRoots, 2);
        }

        var r = new CborReader(hdr, hdrAt, "CAR header");
        int entries = r.ReadMapHeader();
        List<Cid>? roots = null;
        ulong? version = null;
        for (int i = 0; i < entries; i++)
        {
            string key = r.ReadText();
            switch (key)
            {
                case "roots":
                    int n = r.ReadArrayHeader();
                    roots = new List<Cid>(n);
                    for (int k = 0; k < n; k++) roots.Add(r.ReadCid());
                    break;
                case "version":
                    version = r.ReadUInt64();
                    break;
                default:
                    r.SkipItem();
                    break;
            }
        }
        r.ExpectEnd();
        if (version != 1)
            throw new FilFilFormatException(_limit == long.MaxValue ? "CAR header" : "CARv2 payload header", hdrAt, "version 1",
                version?.ToString(CultureInfo.InvariantCulture) ?? "no version");
        if (roots is null) throw new FilFilFormatException("CAR header", hdrAt, "a roots array", "none");
        Consume((int)len);
        return (roots, 1);
    }

    /// <summary>Reads the next section. False at the clean end of the payload.</summary>
    /// <exception cref="FilFilFormatException">A section length is 0 or above <see cref="MaxSectionLength"/>, the input ends inside a section, its CID is malformed, or (with <see cref="VerifyHashes"/>) the block does not match its CID.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public bool TryRead(out CarBlock block)
    {
        long at = _bufPos;
        if (!TryReadVarint(out ulong len, "section length"))
        {
            // a CARv2 payload ends where its header's data size says, not before
            if (_limit != long.MaxValue && _bufPos < _limit)
                throw new FilFilFormatException("CARv2", _bufPos, $"{_limit} payload bytes (the header's data size)", $"end of input after {_bufPos}");
            block = default;
            return false;
        }
        if (len == 0 || len > MaxSectionLength)
            throw new FilFilFormatException("CAR", at, $"a section length between 1 and {MaxSectionLength}", len.ToString(CultureInfo.InvariantCulture));
        int n = (int)len;
        if (Fill(n) < n)
            throw new FilFilFormatException("CAR", _bufPos + Available, $"the rest of a {len}-byte section that starts at offset {at}", "end of input");
        block = ReadSection(at, n);
        return true;
    }

    /// <summary>
    /// Reads the next section's bounds, without parsing its CID, if it is entirely in the buffer already: no refill
    /// moves the buffer, so every section read this way since the last <see cref="FillBuffer"/> stays where it is (a
    /// batch importer processes the buffer's sections while another thread continues the reader in a buffer of its own,
    /// <see cref="SwapBuffer"/>, which copies the unread tail).
    /// <paramref name="offset"/> is the payload offset of the section's length varint, <paramref name="start"/> the
    /// index of its CID in the buffer, <paramref name="length"/> its CID and data. False when the section is not
    /// complete in the buffer or its length is malformed (<see cref="TryRead"/> then reads it, or reports the error).
    /// </summary>
    internal bool TryReadBufferedSection(out long offset, out int start, out int length)
    {
        int vn = Varint.TryRead(_buf.AsSpan(_start, Available), out ulong len);
        if (vn <= 0 || len == 0 || len > MaxSectionLength || (long)len > Available - vn)
        {
            (offset, start, length) = (0, 0, 0);
            return false;
        }
        (offset, start, length) = (_bufPos, _start + vn, (int)len);
        Consume(vn + (int)len);
        BlocksRead++;
        return true;
    }

    /// <summary>Reads ahead until the buffer is full or the input ends (before a run of <see cref="TryReadBufferedSection"/>).</summary>
    internal void FillBuffer() => Fill(_buf.Length);

    /// <summary>
    /// Continues in <paramref name="fresh"/> (grown if the unread bytes do not fit) with the bytes not yet consumed and
    /// returns the buffer the blocks read so far point into: they stay valid for whoever holds it.
    /// </summary>
    internal byte[] SwapBuffer(byte[] fresh)
    {
        if (fresh.Length < _buf.Length) fresh = new byte[_buf.Length];
        Buffer.BlockCopy(_buf, _start, fresh, 0, Available);
        var old = _buf;
        (_buf, _end, _start) = (fresh, Available, 0);
        return old;
    }

    /// <summary>The <paramref name="n"/>-byte section at the cursor (its length varint, at <paramref name="at"/>, consumed).</summary>
    private CarBlock ReadSection(long at, int n)
    {
        var section = _buf.AsSpan(_start, n);
        var parts = Cid.ReadPrefix(section, _bufPos);
        var mem = new ReadOnlyMemory<byte>(_buf, _start, n);
        var block = new CarBlock(mem[..parts.Length], mem[parts.Length..], at, parts);
        if (VerifyHashes && Hashing.CanVerify(parts.HashCode) && !block.VerifyHash())
            throw new FilFilFormatException("CAR", at, $"block bytes that hash to {block.Cid}", "a hash mismatch");
        Consume(n);
        BlocksRead++;
        return block;
    }

    /// <summary>Enumerates blocks, copying each (convenient; allocates per block).</summary>
    /// <exception cref="FilFilFormatException">A section is malformed (see <see cref="TryRead"/>).</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public IEnumerable<(Cid Cid, byte[] Data)> ReadAll()
    {
        while (TryRead(out var b)) yield return (b.Cid, b.Data.ToArray());
    }

    public void Dispose()
    {
        _stream.Dispose(); // the prefix wrapper honours leaveOpen for the caller's stream
    }

    /// <summary>Replays already-read bytes, then continues with the inner stream.</summary>
    private sealed class PrefixStream(ReadOnlyMemory<byte> prefix, Stream inner, bool leaveOpen) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;
        /// <summary>Bytes handed out so far (the offset in the underlying input).</summary>
        public long BytesRead { get; private set; }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n;
            if (!_prefix.IsEmpty)
            {
                n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span[..n].CopyTo(buffer);
                _prefix = _prefix[n..];
            }
            else
            {
                n = inner.Read(buffer);
            }
            BytesRead += n;
            return n;
        }
        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen) inner.Dispose();
            base.Dispose(disposing);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
