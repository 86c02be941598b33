using System.Numerics;

namespace FilFil.Core.Ipld;

/// <summary>Filecoin's big-integer byte encoding (go-state-types/big).</summary>
public static class BigIntBytes
{
    public static byte[] Encode(BigInteger v)
    {
        if (v.IsZero) return Array.Empty<byte>();
        var mag = BigInteger.Abs(v).ToByteArray(isUnsigned: true, isBigEndian: true);
        var r = new byte[mag.Length + 1];
        r[0] = v.Sign < 0 ? (byte)1 : (byte)0;
        mag.CopyTo(r, 1);
        return r;
    }

    public static BigInteger Decode(ReadOnlySpan<byte> b, long offset = 0)
    {
        if (b.Length == 0) return BigInteger.Zero;
        if (b[0] > 1) throw new FilFilFormatException("BigInt", offset, "sign byte 0 or 1", $"0x{b[0]:x2}");
        var v = new BigInteger(b[1..], isUnsigned: true, isBigEndian: true);
        return b[0] == 1 ? -v : v;
    }
}
