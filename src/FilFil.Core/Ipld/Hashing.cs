using System.Security.Cryptography;

namespace FilFil.Core.Ipld;

/// <summary>The block hash functions: sha2-256, blake2b-256 and identity.</summary>
public static class Hashing
{
    public static void Blake2b256(ReadOnlySpan<byte> data, Span<byte> digest32) => Blake2b.Hash256(data, digest32);

    public static byte[] Blake2b256(ReadOnlySpan<byte> data)
    {
        var r = new byte[32];
        Blake2b256(data, r);
        return r;
    }

    /// <summary>True if this hash function can be verified here.</summary>
    public static bool CanVerify(ulong code) => code is Multicodec.Identity or Multicodec.Sha2_256 or Multicodec.Blake2b256;

    /// <summary>Checks that <paramref name="data"/> hashes to <paramref name="digest"/> under <paramref name="code"/>.</summary>
    public static bool Verify(ulong code, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> data)
    {
        Span<byte> h = stackalloc byte[32];
        switch (code)
        {
            case Multicodec.Identity:
                return digest.SequenceEqual(data);
            case Multicodec.Sha2_256:
                if (digest.Length != 32) return false;
                SHA256.HashData(data, h);
                return h.SequenceEqual(digest);
            case Multicodec.Blake2b256:
                if (digest.Length != 32) return false;
                Blake2b256(data, h);
                return h.SequenceEqual(digest);
            default:
                throw new NotSupportedException($"hash function {Multicodec.HashName(code)} cannot be verified");
        }
    }
}
