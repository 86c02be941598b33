namespace FilFil.Core.Chain;

/// <summary>A signature as Filecoin encodes it: type byte (1 secp256k1, 2 BLS, 3 delegated) then data.</summary>
public sealed record Signature(byte Type, byte[] Data)
{
    public byte[] ToBytes()
    {
        var b = new byte[Data.Length + 1];
        b[0] = Type;
        Data.CopyTo(b, 1);
        return b;
    }

    public static Signature FromBytes(ReadOnlySpan<byte> b, long offset)
    {
        if (b.Length == 0) throw new FilFilFormatException("Signature", offset, "a signature type byte", "an empty byte string");
        return new Signature(b[0], b[1..].ToArray());
    }
}
