using FilFil.Core.Encoding;
using FilFil.Core.Ipld;

namespace FilFil.Core.Car;

/// <summary>Streaming CARv1 writer: header {roots, version: 1}, then length-prefixed CID + data sections.</summary>
public sealed class CarWriter : IDisposable
{
    private readonly Stream _out;
    private readonly bool _leaveOpen;
    private readonly byte[] _scratch = new byte[Varint.MaxLength];

    public CarWriter(Stream output, IReadOnlyList<Cid> roots, bool leaveOpen = false)
    {
        _out = output;
        _leaveOpen = leaveOpen;
        var header = EncodeHeader(roots);
        WriteVarint((ulong)header.Length);
        _out.Write(header);
        BytesWritten += header.Length;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for a new CAR, zstd-compressed when <paramref name="zstdLevel"/> is above 0
    /// (for distribution: Boost and Curio need the plain CAR for deals).
    /// </summary>
    public static CarWriter Create(string path, IReadOnlyList<Cid> roots, int zstdLevel = 0)
    {
        Stream s = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        try
        {
            if (zstdLevel > 0) s = new ZstdSharp.CompressionStream(s, zstdLevel, leaveOpen: false);
            return new CarWriter(s, roots);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>Payload bytes written (header and sections, before any compression).</summary>
    public long BytesWritten { get; private set; }
    public long BlocksWritten { get; private set; }

    public static byte[] EncodeHeader(IReadOnlyList<Cid> roots)
    {
        var w = new CborWriter();
        w.WriteMap(2).WriteText("roots").WriteArray(roots.Count);
        foreach (var r in roots) w.WriteCid(r);
        w.WriteText("version").WriteUInt(1);
        return w.ToArray();
    }

    private void WriteVarint(ulong v)
    {
        int n = Varint.Write(_scratch, v);
        _out.Write(_scratch, 0, n);
        BytesWritten += n;
    }

    public void Write(ReadOnlySpan<byte> cid, ReadOnlySpan<byte> data)
    {
        WriteVarint((ulong)(cid.Length + data.Length));
        _out.Write(cid);
        _out.Write(data);
        BytesWritten += cid.Length + data.Length;
        BlocksWritten++;
    }

    public void Write(Cid cid, ReadOnlySpan<byte> data) => Write(cid.Bytes, data);

    /// <summary>Size of a section for a block (varint + CID + data).</summary>
    public static long SectionSize(int cidLength, int dataLength) =>
        Varint.Size((ulong)(cidLength + dataLength)) + cidLength + dataLength;

    public void Flush() => _out.Flush();

    public void Dispose()
    {
        _out.Flush();
        if (!_leaveOpen) _out.Dispose();
    }
}
