using FilFil.Core.Encoding;

namespace FilFil.Core.Chain;

/// <summary>Filecoin addresses in byte form (protocol byte + payload) and their text form.</summary>
public static class Address
{
    public const byte Id = 0, Secp256k1 = 1, Actor = 2, Bls = 3, Delegated = 4;

    public static void Validate(ReadOnlySpan<byte> a, long offset)
    {
        if (a.Length == 0) throw new FilFilFormatException("Address", offset, "an address (protocol byte + payload)", "an empty byte string");
        int want = a[0] switch { Secp256k1 or Actor => 21, Bls => 49, _ => -1 };
        if (a[0] > Delegated) throw new FilFilFormatException("Address", offset, "address protocol 0-4", $"protocol {a[0]}");
        if (want > 0 && a.Length != want) throw new FilFilFormatException("Address", offset, $"{want} bytes for protocol {a[0]}", $"{a.Length} bytes");
        if (a[0] == Id)
        {
            int p = 1;
            Varint.Read(a, ref p, offset, "Address");
            if (p != a.Length) throw new FilFilFormatException("Address", offset + p, "end of ID address", "trailing bytes");
        }
    }

    public static byte[] FromId(ulong id)
    {
        var b = new byte[1 + Varint.Size(id)];
        Varint.Write(b.AsSpan(1), id);
        return b;
    }

    /// <summary>Text form. ID addresses are exact ("f01234"); other protocols get base32 payload plus checksum.</summary>
    public static string ToString(ReadOnlySpan<byte> a, char network = 'f')
    {
        if (a.Length == 0) return "<empty>";
        if (a[0] == Id)
        {
            int p = 1;
            ulong id = Varint.Read(a, ref p);
            return $"{network}0{id}";
        }
        // checksum = blake2b-4(address bytes)
        var cs = new Org.BouncyCastle.Crypto.Digests.Blake2bDigest(32);
        cs.BlockUpdate(a);
        var sum = new byte[4];
        cs.DoFinal(sum);
        if (a[0] == Delegated)
        {
            int p = 1;
            ulong ns = Varint.Read(a, ref p);
            var sub = a[p..];
            var payload = new byte[sub.Length + 4];
            sub.CopyTo(payload);
            sum.CopyTo(payload, sub.Length);
            return $"{network}4{ns}f{Multibase.Base32Lower(payload)}";
        }
        var pl = new byte[a.Length - 1 + 4];
        a[1..].CopyTo(pl);
        sum.CopyTo(pl, a.Length - 1);
        return $"{network}{a[0]}{Multibase.Base32Lower(pl)}";
    }
}
