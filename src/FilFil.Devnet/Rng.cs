namespace FilFil.Devnet;

/// <summary>
/// Deterministic counter-based randomness: a xoshiro256** stream keyed by (seed, domain, a, b, c), so any choice
/// (a ticket at height h on fork f, a leaf's payload at version v) can be re-derived without replaying history.
/// Implemented here (not System.Random) so the chain stays byte-identical across .NET versions.
/// </summary>
internal struct Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public static Rng For(int seed, string domain, long a = 0, long b = 0, long c = 0)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (char ch in domain) { h ^= ch; h *= 0x100000001b3UL; }
        ulong x = Mix((ulong)(uint)seed ^ 0x9E3779B97F4A7C15UL);
        x = Mix(x ^ h);
        x = Mix(x ^ (ulong)a);
        x = Mix(x ^ (ulong)b * 0xD6E8FEB86659FD93UL);
        x = Mix(x ^ (ulong)c * 0xA0761D6478BD642FUL);
        var r = new Rng();
        r._s0 = SplitMix(ref x); r._s1 = SplitMix(ref x); r._s2 = SplitMix(ref x); r._s3 = SplitMix(ref x);
        return r;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => n <= 1 ? 0 : (int)(NextUInt64() % (ulong)n);

    /// <summary>Uniform in [lo, hi].</summary>
    public int Between(int lo, int hi) => lo + Next(hi - lo + 1);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => p > 0 && NextDouble() < p;

    public void Fill(Span<byte> dst)
    {
        while (dst.Length >= 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(dst, NextUInt64());
            dst = dst[8..];
        }
        if (dst.Length > 0)
        {
            ulong v = NextUInt64();
            for (int i = 0; i < dst.Length; i++) { dst[i] = (byte)v; v >>= 8; }
        }
    }

    public byte[] Bytes(int n)
    {
        var b = new byte[n];
        Fill(b);
        return b;
    }
}
