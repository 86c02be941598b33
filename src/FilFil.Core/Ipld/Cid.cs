using FilFil.Core.Encoding;

namespace FilFil.Core.Ipld;

/// <summary>
/// A content identifier (CID v0 or v1), held as its binary form. Equality and hashing are over the bytes.
/// </summary>
public readonly struct Cid : IEquatable<Cid>, IComparable<Cid>
{
    private readonly byte[]? _bytes;

    private Cid(byte[] bytes) => _bytes = bytes;

    /// <summary>The binary CID (for v0 the bare multihash).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    public byte[] ToArray() => (byte[])(_bytes ?? Array.Empty<byte>()).Clone();
    public bool IsDefault => _bytes is null;

    public int Version => Parse(_bytes).Version;
    public ulong Codec => Parse(_bytes).Codec;
    public ulong HashCode => Parse(_bytes).HashCode;
    public ReadOnlySpan<byte> Digest => _bytes.AsSpan(Parse(_bytes).DigestOffset);
    /// <summary>The multihash (hash code, length, digest).</summary>
    public ReadOnlySpan<byte> Multihash => _bytes.AsSpan(Parse(_bytes).MultihashOffset);
    public bool IsIdentity => HashCode == Multicodec.Identity;

    public readonly record struct Parts(int Version, ulong Codec, int MultihashOffset, ulong HashCode, int DigestOffset, int DigestLength, int Length);

    private static Parts Parse(byte[]? b)
    {
        if (b is null) throw new InvalidOperationException("default(Cid) has no value");
        return ReadPrefix(b, 0);
    }

    /// <summary>
    /// Parses the CID at the start of <paramref name="src"/> and returns its layout, including its total length;
    /// trailing bytes are allowed (CAR sections hold CID then data). Throws on truncation or bad prefixes.
    /// </summary>
    public static Parts ReadPrefix(ReadOnlySpan<byte> src, long offset)
    {
        if (src.Length >= 2 && src[0] == 0x12 && src[1] == 0x20)
        {
            if (src.Length < 34) throw new FilFilFormatException("CID", offset + src.Length, "34 bytes of a CIDv0 (sha2-256 multihash)", $"{src.Length} bytes");
            return new Parts(0, Multicodec.DagPb, 0, Multicodec.Sha2_256, 2, 32, 34);
        }
        // Fast path: CIDv1, one-byte codec, blake2b-256 (varint a0 e4 02), 32-byte digest: every Filecoin chain link.
        if (src.Length >= 38 && src[0] == 1 && src[1] < 0x80 && src[2] == 0xa0 && src[3] == 0xe4 && src[4] == 0x02 && src[5] == 0x20)
            return new Parts(1, src[1], 2, Multicodec.Blake2b256, 6, 32, 38);
        // CIDv1 with one-byte codec, hash code and digest length (identity CIDs such as actor code CIDs)
        if (src.Length >= 4 && src[0] == 1 && src[1] < 0x80 && src[2] < 0x80 && src[3] < 0x80 && src.Length - 4 >= src[3])
            return new Parts(1, src[1], 2, src[2], 4, src[3], 4 + src[3]);
        int pos = 0;
        ulong version = Varint.Read(src, ref pos, offset, "CID");
        if (version != 1) throw new FilFilFormatException("CID", offset, "CID version 1 (or a CIDv0 multihash 12 20)", $"version {version}");
        ulong codec = Varint.Read(src, ref pos, offset, "CID");
        int mhOffset = pos;
        ulong hash = Varint.Read(src, ref pos, offset, "CID");
        ulong len = Varint.Read(src, ref pos, offset, "CID");
        if (len > int.MaxValue || (ulong)(src.Length - pos) < len)
            throw new FilFilFormatException("CID", offset + pos, $"a {len}-byte multihash digest", $"{src.Length - pos} bytes left");
        return new Parts(1, codec, mhOffset, hash, pos, (int)len, pos + (int)len);
    }

    /// <summary>Reads a complete binary CID; the span must hold exactly one CID.</summary>
    /// <exception cref="FilFilFormatException">The bytes are not exactly one CIDv1 (or a 34-byte CIDv0 multihash); the error names the offset.</exception>
    public static Cid FromBytes(ReadOnlySpan<byte> bytes, long offset = 0)
    {
        var p = ReadPrefix(bytes, offset);
        if (p.Length != bytes.Length)
            throw new FilFilFormatException("CID", offset + p.Length, "end of CID", $"{bytes.Length - p.Length} trailing bytes");
        return new Cid(bytes.ToArray());
    }

    /// <summary>Wraps bytes already validated by <see cref="ReadPrefix"/> (no copy).</summary>
    internal static Cid FromTrusted(byte[] bytes) => new(bytes);

    public static Cid Create(ulong codec, ulong hashCode, ReadOnlySpan<byte> digest)
    {
        int n = Varint.Size(1) + Varint.Size(codec) + Varint.Size(hashCode) + Varint.Size((ulong)digest.Length) + digest.Length;
        var b = new byte[n];
        int p = Varint.Write(b, 1);
        p += Varint.Write(b.AsSpan(p), codec);
        p += Varint.Write(b.AsSpan(p), hashCode);
        p += Varint.Write(b.AsSpan(p), (ulong)digest.Length);
        digest.CopyTo(b.AsSpan(p));
        return new Cid(b);
    }

    /// <summary>Hashes <paramref name="data"/> with blake2b-256 into a CIDv1 of <paramref name="codec"/> (Filecoin's default).</summary>
    public static Cid Hash(ReadOnlySpan<byte> data, ulong codec = Multicodec.DagCbor, ulong hashCode = Multicodec.Blake2b256)
    {
        Span<byte> d = stackalloc byte[32];
        switch (hashCode)
        {
            case Multicodec.Blake2b256: Hashing.Blake2b256(data, d); break;
            case Multicodec.Sha2_256: System.Security.Cryptography.SHA256.HashData(data, d); break;
            case Multicodec.Identity: return Create(codec, Multicodec.Identity, data);
            default: throw new NotSupportedException($"cannot hash with {Multicodec.HashName(hashCode)}");
        }
        return Create(codec, hashCode, d);
    }

    /// <summary>Checks the block bytes against this CID's multihash.</summary>
    public bool Verify(ReadOnlySpan<byte> data) => Hashing.Verify(HashCode, Digest, data);

    /// <summary>
    /// Longest CID text <see cref="Parse"/> reads: 512 characters, room for a 64-byte digest in any base and for
    /// identity CIDs of up to ~250 bytes. Longer text is refused before decoding, since base58 decoding is quadratic
    /// (a 200 KB base58 string took 8 s of CPU; a JSON-RPC request may carry megabytes of it).
    /// </summary>
    public const int MaxTextLength = 512;

    /// <summary>Parses a CID in text: a multibase CIDv1 (base32 <c>b...</c>, base58btc <c>z...</c> or base16 <c>f...</c>) or a base58btc CIDv0 (<c>Qm...</c>).</summary>
    /// <exception cref="FilFilFormatException">The text is longer than <see cref="MaxTextLength"/>, not valid multibase, or the bytes are not a CID.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is null.</exception>
    public static Cid Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        s = s.Trim();
        if (s.Length > MaxTextLength)
            throw new FilFilFormatException("CID", 0, $"a CID of at most {MaxTextLength} characters", $"{s.Length} characters");
        byte[] bytes;
        if (s.Length == 46 && s.StartsWith("Qm", StringComparison.Ordinal))
        {
            bytes = Multibase.DecodeBase58(s, "CID");
            if (bytes.Length != 34 || bytes[0] != 0x12 || bytes[1] != 0x20)
                throw new FilFilFormatException("CID", 0, "a base58btc sha2-256 multihash (CIDv0)", s);
            return new Cid(bytes);
        }
        bytes = Multibase.Decode(s, "CID");
        if (bytes.Length > 0 && bytes[0] == 0x12)
            throw new FilFilFormatException("CID", 0, "CID version 1 inside a multibase string", "a bare multihash");
        return FromBytes(bytes);
    }

    /// <summary>Like <see cref="Parse"/>, but returns false instead of throwing.</summary>
    public static bool TryParse(string? s, out Cid cid)
    {
        cid = default;
        if (s is null) return false;
        try { cid = Parse(s); return true; }
        catch (FormatException) { return false; }
    }

    /// <summary>Base32 lower ('b') for v1, base58btc for v0, as Lotus prints them.</summary>
    public override string ToString()
    {
        if (_bytes is null) return "<undef>";
        if (_bytes.Length == 34 && _bytes[0] == 0x12 && _bytes[1] == 0x20) return Multibase.Base58Btc(_bytes);
        return "b" + Multibase.Base32Lower(_bytes);
    }

    public string ToString(char multibase) => multibase switch
    {
        'b' => "b" + Multibase.Base32Lower(_bytes),
        'z' => "z" + Multibase.Base58Btc(_bytes),
        'f' => "f" + Multibase.Base16(_bytes),
        _ => throw new ArgumentOutOfRangeException(nameof(multibase), "use 'b', 'z' or 'f'"),
    };

    public bool Equals(Cid other) => Bytes.SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => obj is Cid c && Equals(c);
    public override int GetHashCode()
    {
        var h = new System.HashCode();
        h.AddBytes(Bytes);
        return h.ToHashCode();
    }
    public int CompareTo(Cid other) => Bytes.SequenceCompareTo(other.Bytes);
    public static bool operator <(Cid left, Cid right) => left.CompareTo(right) < 0;
    public static bool operator <=(Cid left, Cid right) => left.CompareTo(right) <= 0;
    public static bool operator >(Cid left, Cid right) => left.CompareTo(right) > 0;
    public static bool operator >=(Cid left, Cid right) => left.CompareTo(right) >= 0;
    public static bool operator ==(Cid a, Cid b) => a.Equals(b);
    public static bool operator !=(Cid a, Cid b) => !a.Equals(b);
}
