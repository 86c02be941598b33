using System.Buffers.Binary;
using System.Text;

namespace FilFil.Core.Ipld;

/// <summary>
/// A strict, allocation-free reader over DAG-CBOR in a span. Every error names the byte offset (plus
/// <see cref="BaseOffset"/>) and what was expected. "Strict" means the DAG-CBOR spec's rules, except the key order
/// (docs/engine.md, "DAG-CBOR strictness"): definite lengths only; every integer and length in its shortest form;
/// of the simple values only false, true and null; floats only as 64 bits and never NaN or ±Infinity
/// (<see cref="ReadHeader"/>); map keys text strings without duplicates and only tag 42 (checked by
/// <see cref="CborLinks"/>, which every DAG-CBOR block passes); one item filling the block (<see cref="ExpectEnd"/>).
/// </summary>
public ref struct CborReader
{
    public const ulong CidTag = 42;
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public CborReader(ReadOnlySpan<byte> data, long baseOffset = 0, string what = "CBOR")
    {
        _data = data;
        _pos = 0;
        BaseOffset = baseOffset;
        What = what;
    }

    public long BaseOffset { get; }
    public string What { get; }
    public int Position => _pos;
    public int Remaining => _data.Length - _pos;
    public bool AtEnd => _pos >= _data.Length;

    public FilFilFormatException Error(string expected, string? found = null, int? at = null) =>
        new(What, BaseOffset + (at ?? _pos), expected, found);

    /// <summary>
    /// Reads an item header: major type and argument. A float (always 64-bit) returns its raw bits; false, true and
    /// null return 20, 21 and 22.
    /// </summary>
    /// <exception cref="FilFilFormatException">The input ends inside the header; it is indefinite-length or uses a
    /// reserved additional-information value; its argument is not in its shortest form; or it is a simple value or
    /// float DAG-CBOR does not allow (undefined, other simple values, 16- or 32-bit floats, NaN, ±Infinity).</exception>
    public CborMajor ReadHeader(out ulong arg)
    {
        int start = _pos;
        if (_pos >= _data.Length) throw Error("a CBOR item", "end of input");
        byte ib = _data[_pos++];
        var major = (CborMajor)(ib >> 5);
        int info = ib & 31;
        if (info < 24)
        {
            if (major == CborMajor.Simple && info < 20 || ib == 0xf7)
                throw Error("false, true, null or a 64-bit float (DAG-CBOR)", ib == 0xf7 ? "undefined (0xf7)" : $"simple value {info}", start);
            arg = (ulong)info;
            return major;
        }
        int n = info switch { 24 => 1, 25 => 2, 26 => 4, 27 => 8, _ => -1 };
        if (n < 0)
            throw Error(info == 31 ? "a definite-length item (DAG-CBOR)" : "a valid additional-information value", $"initial byte 0x{ib:x2}", start);
        if (major == CborMajor.Simple && n != 8)
            throw Error("false, true, null or a 64-bit float (DAG-CBOR)", n == 1 ? "a one-byte simple value" : $"a {8 * n}-bit float", start);
        if (_data.Length - _pos < n) throw Error($"{n} argument bytes after initial byte 0x{ib:x2}", $"{_data.Length - _pos} bytes", _pos);
        var s = _data.Slice(_pos, n);
        arg = n switch
        {
            1 => s[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(s),
            4 => BinaryPrimitives.ReadUInt32BigEndian(s),
            _ => BinaryPrimitives.ReadUInt64BigEndian(s),
        };
        if (major == CborMajor.Simple)
        {
            if (!double.IsFinite(BitConverter.UInt64BitsToDouble(arg)))
                throw Error("a finite float (DAG-CBOR)", double.IsNaN(BitConverter.UInt64BitsToDouble(arg)) ? "NaN" : "an infinity", start);
        }
        else if (arg < (n == 1 ? 24UL : 1UL << (4 * n)))
        {
            throw Error("an argument in its shortest form (DAG-CBOR)", $"{arg.ToString(System.Globalization.CultureInfo.InvariantCulture)} in {n} bytes", start);
        }
        _pos += n;
        return major;
    }

    /// <summary>Returns the major type of the next item without consuming it.</summary>
    /// <exception cref="FilFilFormatException">The input is at its end.</exception>
    public CborMajor PeekMajor()
    {
        if (_pos >= _data.Length) throw Error("a CBOR item", "end of input");
        return (CborMajor)(_data[_pos] >> 5);
    }

    public bool PeekNull() => _pos < _data.Length && _data[_pos] == 0xf6;

    private void Expect(CborMajor want, CborMajor got, int at, string what)
    {
        if (got != want) throw Error(what, $"major type {got}", at);
    }

    /// <summary>Reads an unsigned integer (major type 0).</summary>
    /// <exception cref="FilFilFormatException">The next item is not an unsigned integer, or its header is invalid.</exception>
    public ulong ReadUInt64()
    {
        int at = _pos;
        var m = ReadHeader(out ulong v);
        Expect(CborMajor.UInt, m, at, "an unsigned integer");
        return v;
    }

    /// <summary>Reads a signed integer (major type 0 or 1) that fits in a <see cref="long"/>.</summary>
    /// <exception cref="FilFilFormatException">The next item is not an integer, or it does not fit in a <see cref="long"/>.</exception>
    public long ReadInt64()
    {
        int at = _pos;
        var m = ReadHeader(out ulong v);
        if (m == CborMajor.UInt)
        {
            if (v > long.MaxValue) throw Error("an int64", "an unsigned integer above 2^63-1", at);
            return (long)v;
        }
        if (m == CborMajor.NegInt)
        {
            if (v > long.MaxValue) throw Error("an int64", "a negative integer below -2^63", at);
            return -1 - (long)v;
        }
        throw Error("an integer", $"major type {m}", at);
    }

    /// <summary>Reads an array header and returns its length.</summary>
    /// <exception cref="FilFilFormatException">The next item is not an array, or its length is beyond what the input can hold.</exception>
    public int ReadArrayHeader()
    {
        int at = _pos;
        var m = ReadHeader(out ulong n);
        Expect(CborMajor.Array, m, at, "an array");
        if (n > (ulong)Remaining) throw Error($"an array of {n} items", $"only {Remaining} bytes left", at);
        return (int)n;
    }

    /// <summary>Reads the header of an array that must have <paramref name="expected"/> items (a tuple-encoded <paramref name="name"/>).</summary>
    /// <exception cref="FilFilFormatException">The next item is not an array of exactly <paramref name="expected"/> items.</exception>
    public void ReadArrayHeader(int expected, string name)
    {
        int at = _pos;
        int n = ReadArrayHeader();
        if (n != expected) throw Error($"{name} as an array of {expected} fields", $"{n} fields", at);
    }

    /// <summary>Reads a map header and returns its number of pairs.</summary>
    /// <exception cref="FilFilFormatException">The next item is not a map, or its length is beyond what the input can hold.</exception>
    public int ReadMapHeader()
    {
        int at = _pos;
        var m = ReadHeader(out ulong n);
        Expect(CborMajor.Map, m, at, "a map");
        if (n > (ulong)Remaining) throw Error($"a map of {n} entries", $"only {Remaining} bytes left", at);
        return (int)n;
    }

    /// <summary>Reads a byte string; the span points into the input.</summary>
    /// <exception cref="FilFilFormatException">The next item is not a byte string, or the input ends inside it.</exception>
    public ReadOnlySpan<byte> ReadBytes()
    {
        int at = _pos;
        var m = ReadHeader(out ulong n);
        Expect(CborMajor.Bytes, m, at, "a byte string");
        return Take(n, "byte string");
    }

    /// <summary>Reads a text string.</summary>
    /// <exception cref="FilFilFormatException">The next item is not a text string, the input ends inside it, or it is not valid UTF-8.</exception>
    public string ReadText()
    {
        int at = _pos;
        var m = ReadHeader(out ulong n);
        Expect(CborMajor.Text, m, at, "a text string");
        var s = Take(n, "text string");
        try { return new UTF8Encoding(false, true).GetString(s); }
        catch (DecoderFallbackException) { throw Error("valid UTF-8 text", "invalid UTF-8", at); }
    }

    private ReadOnlySpan<byte> Take(ulong n, string what)
    {
        if (n > (ulong)Remaining) throw Error($"{n} bytes of {what} payload", $"{Remaining} bytes left");
        var s = _data.Slice(_pos, (int)n);
        _pos += (int)n;
        return s;
    }

    /// <summary>Skips <paramref name="n"/> payload bytes.</summary>
    /// <exception cref="FilFilFormatException">Fewer than <paramref name="n"/> bytes are left.</exception>
    public void Skip(int n) => Take((ulong)n, "payload");

    /// <summary>Reads <c>true</c> or <c>false</c>.</summary>
    /// <exception cref="FilFilFormatException">The next item is not a boolean.</exception>
    public bool ReadBool()
    {
        if (_pos < _data.Length && (_data[_pos] == 0xf4 || _data[_pos] == 0xf5)) return _data[_pos++] == 0xf5;
        throw Error("a boolean", _pos < _data.Length ? $"byte 0x{_data[_pos]:x2}" : "end of input");
    }

    /// <summary>Consumes a null if present.</summary>
    public bool TryReadNull()
    {
        if (PeekNull()) { _pos++; return true; }
        return false;
    }

    /// <summary>Reads a DAG-CBOR link (tag 42, byte string with a 0x00 multibase prefix); returns the binary CID.</summary>
    /// <exception cref="FilFilFormatException">The next item is not tag 42 over a byte string with a 0x00 prefix.</exception>
    public ReadOnlySpan<byte> ReadCidBytes()
    {
        int at = _pos;
        var m = ReadHeader(out ulong tag);
        if (m != CborMajor.Tag || tag != CidTag) throw Error("a CID (tag 42)", m == CborMajor.Tag ? $"tag {tag}" : $"major type {m}", at);
        int bat = _pos;
        var b = ReadBytes();
        if (b.Length == 0 || b[0] != 0) throw Error("a CID byte string starting with 0x00", b.Length == 0 ? "an empty string" : $"0x{b[0]:x2}", bat);
        var cid = b[1..];
        var p = Cid.ReadPrefix(cid, BaseOffset + bat);
        if (p.Length != cid.Length) throw Error("a CID filling its byte string", $"{cid.Length - p.Length} trailing bytes", bat);
        return cid;
    }

    /// <summary>Reads a DAG-CBOR link as a <see cref="Cid"/> (the bytes are copied).</summary>
    /// <exception cref="FilFilFormatException">The next item is not a DAG-CBOR link.</exception>
    public Cid ReadCid() => Cid.FromTrusted(ReadCidBytes().ToArray());

    /// <summary>Skips one complete item (with nested items).</summary>
    /// <exception cref="FilFilFormatException">The item or one nested in it is malformed or truncated.</exception>
    public void SkipItem()
    {
        long pending = 1;
        while (pending > 0)
        {
            pending--;
            var m = ReadHeader(out ulong a);
            switch (m)
            {
                case CborMajor.Bytes:
                case CborMajor.Text:
                    Take(a, m == CborMajor.Bytes ? "byte string" : "text string");
                    break;
                case CborMajor.Array:
                    if (a > (ulong)Remaining) throw Error($"an array of {a} items", $"only {Remaining} bytes left");
                    pending += (long)a;
                    break;
                case CborMajor.Map:
                    if (a > (ulong)Remaining) throw Error($"a map of {a} entries", $"only {Remaining} bytes left");
                    pending += 2 * (long)a;
                    break;
                case CborMajor.Tag:
                    pending++;
                    break;
            }
        }
    }

    /// <summary>Checks that the whole input was consumed.</summary>
    /// <exception cref="FilFilFormatException">Bytes are left after the last item.</exception>
    public void ExpectEnd()
    {
        if (!AtEnd) throw Error("end of the item", $"{Remaining} trailing bytes");
    }
}
