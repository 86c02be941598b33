namespace FilFil.Core.Encoding;

/// <summary>Unsigned LEB128 varints as used by multiformats (at most 9 bytes, minimal encoding).</summary>
public static class Varint
{
    public const int MaxLength = 9;

    public static int Size(ulong value)
    {
        int n = 1;
        while (value >= 0x80) { value >>= 7; n++; }
        return n;
    }

    public static int Write(Span<byte> dest, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            dest[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        dest[i++] = (byte)value;
        return i;
    }

    public static byte[] Encode(ulong value)
    {
        var b = new byte[Size(value)];
        Write(b, value);
        return b;
    }

    /// <summary>Reads a varint; returns bytes consumed, 0 if the input ends inside the varint.</summary>
    public static int TryRead(ReadOnlySpan<byte> src, out ulong value)
    {
        value = 0;
        int shift = 0;
        for (int i = 0; i < src.Length && i < MaxLength; i++)
        {
            byte b = src[i];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0) return -1; // non-minimal
                return i + 1;
            }
            shift += 7;
        }
        return src.Length >= MaxLength ? -2 : 0;
    }

    /// <summary>Reads a varint or throws a <see cref="FilFilFormatException"/> naming <paramref name="offset"/>.</summary>
    public static ulong Read(ReadOnlySpan<byte> src, ref int pos, long offset = 0, string what = "varint")
    {
        int n = TryRead(src[pos..], out ulong v);
        switch (n)
        {
            case 0: throw new FilFilFormatException(what, offset + pos, "a complete varint", "end of input");
            case -1: throw new FilFilFormatException(what, offset + pos, "a minimally encoded varint", "a trailing zero byte");
            case -2: throw new FilFilFormatException(what, offset + pos, "a varint of at most 9 bytes", "a longer one");
        }
        pos += n;
        return v;
    }
}
