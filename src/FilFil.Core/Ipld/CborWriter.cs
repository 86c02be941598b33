using System.Buffers.Binary;
using System.Numerics;

namespace FilFil.Core.Ipld;

/// <summary>
/// Writes DAG-CBOR the way cbor-gen does: minimal-length headers, definite lengths, CIDs as tag 42 over
/// 0x00 + binary CID. Grows an internal buffer; <see cref="ToArray"/> or <see cref="WrittenSpan"/> to take it.
/// </summary>
public sealed class CborWriter
{
    private byte[] _buf;
    private int _len;

    public CborWriter(int capacity = 256) => _buf = new byte[capacity];

    public int Length => _len;
    public ReadOnlySpan<byte> WrittenSpan => _buf.AsSpan(0, _len);
    public byte[] ToArray() => _buf.AsSpan(0, _len).ToArray();
    public void Reset() => _len = 0;

    private Span<byte> Grow(int n)
    {
        if (_len + n > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _len + n));
        var s = _buf.AsSpan(_len, n);
        _len += n;
        return s;
    }

    public CborWriter WriteHeader(CborMajor major, ulong arg)
    {
        byte m = (byte)((byte)major << 5);
        if (arg < 24) Grow(1)[0] = (byte)(m | arg);
        else if (arg <= byte.MaxValue) { var s = Grow(2); s[0] = (byte)(m | 24); s[1] = (byte)arg; }
        else if (arg <= ushort.MaxValue) { var s = Grow(3); s[0] = (byte)(m | 25); BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)arg); }
        else if (arg <= uint.MaxValue) { var s = Grow(5); s[0] = (byte)(m | 26); BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)arg); }
        else { var s = Grow(9); s[0] = (byte)(m | 27); BinaryPrimitives.WriteUInt64BigEndian(s[1..], arg); }
        return this;
    }

    public CborWriter WriteUInt(ulong v) => WriteHeader(CborMajor.UInt, v);
    public CborWriter WriteInt(long v) => v >= 0 ? WriteHeader(CborMajor.UInt, (ulong)v) : WriteHeader(CborMajor.NegInt, (ulong)(-1 - v));
    public CborWriter WriteArray(int n) => WriteHeader(CborMajor.Array, (ulong)n);
    public CborWriter WriteMap(int n) => WriteHeader(CborMajor.Map, (ulong)n);
    public CborWriter WriteNull() { Grow(1)[0] = 0xf6; return this; }
    public CborWriter WriteBool(bool b) { Grow(1)[0] = b ? (byte)0xf5 : (byte)0xf4; return this; }

    public CborWriter WriteBytes(ReadOnlySpan<byte> b)
    {
        WriteHeader(CborMajor.Bytes, (ulong)b.Length);
        b.CopyTo(Grow(b.Length));
        return this;
    }

    public CborWriter WriteText(string s)
    {
        int n = System.Text.Encoding.UTF8.GetByteCount(s);
        WriteHeader(CborMajor.Text, (ulong)n);
        System.Text.Encoding.UTF8.GetBytes(s, Grow(n));
        return this;
    }

    public CborWriter WriteCid(ReadOnlySpan<byte> cid)
    {
        WriteHeader(CborMajor.Tag, CborReader.CidTag);
        WriteHeader(CborMajor.Bytes, (ulong)cid.Length + 1);
        var s = Grow(cid.Length + 1);
        s[0] = 0;
        cid.CopyTo(s[1..]);
        return this;
    }

    public CborWriter WriteCid(Cid cid) => WriteCid(cid.Bytes);

    /// <summary>Filecoin BigInt: empty for zero, else sign byte (0 positive, 1 negative) + big-endian magnitude.</summary>
    public CborWriter WriteBigInt(BigInteger v) => WriteBytes(BigIntBytes.Encode(v));

    /// <summary>Appends pre-encoded CBOR.</summary>
    public CborWriter WriteRaw(ReadOnlySpan<byte> cbor)
    {
        cbor.CopyTo(Grow(cbor.Length));
        return this;
    }
}
