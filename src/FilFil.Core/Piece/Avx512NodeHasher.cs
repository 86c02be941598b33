using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FilFil.Core.Piece;

/// <summary>
/// Sixteen nodes at once: SHA-256 over 16 independent 64-byte messages in the 16 lanes of AVX-512 registers
/// (vprord rotations, vpternlogd for the three-input functions). The second compression of every node is the
/// constant final block of a 64-byte message, so its message schedule (W + K) is precomputed once. Layers of
/// fewer than 16 pairs go to <see cref="Fallback"/>.
/// </summary>
internal sealed unsafe class Avx512NodeHasher : NodeHasher
{
    internal static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    internal static readonly uint[] Iv =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    /// <summary>K[t] + W[t] of the padding block 0x80 00.. 00 00 02 00 (a 512-bit message).</summary>
    internal static readonly uint[] PadKW = BuildPadKW();

    private readonly NodeHasher _fallback;

    public Avx512NodeHasher(NodeHasher fallback) => _fallback = fallback;

    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported && BitConverter.IsLittleEndian;

    public NodeHasher Fallback => _fallback;

    public override string Name => "avx512 (16-lane managed SHA-256)";

    private static uint[] BuildPadKW()
    {
        var w = new uint[64];
        w[0] = 0x80000000;
        w[15] = 512;
        for (int t = 16; t < 64; t++)
        {
            uint s0 = uint.RotateRight(w[t - 15], 7) ^ uint.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint s1 = uint.RotateRight(w[t - 2], 17) ^ uint.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = s1 + w[t - 7] + s0 + w[t - 16];
        }
        for (int t = 0; t < 64; t++) w[t] += K[t];
        return w;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void HashLayer(byte* src, byte* dst, int pairs)
    {
        int batches = pairs / 16;
        if (batches > 0)
        {
            fixed (uint* k = K)
            fixed (uint* kw2 = PadKW)
            fixed (uint* iv = Iv)
            {
                Vector512<uint>* w = stackalloc Vector512<uint>[16];
                for (int b = 0; b < batches; b++)
                    Hash16(src + 1024 * b, dst + 512 * b, k, kw2, iv, w);
            }
        }
        int rest = pairs - batches * 16;
        if (rest > 0) _fallback.HashLayer(src + 1024 * batches, dst + 512 * batches, rest);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Xor3(Vector512<uint> a, Vector512<uint> b, Vector512<uint> c) => Avx512F.TernaryLogic(a, b, c, 0x96);

    // The rotation counts are literals in each helper so vprord gets its immediate without relying on inlining.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> BigSigma0(Vector512<uint> a) => Xor3(Avx512F.RotateRight(a, 2), Avx512F.RotateRight(a, 13), Avx512F.RotateRight(a, 22));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> BigSigma1(Vector512<uint> e) => Xor3(Avx512F.RotateRight(e, 6), Avx512F.RotateRight(e, 11), Avx512F.RotateRight(e, 25));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> SmallSigma0(Vector512<uint> x) => Xor3(Avx512F.RotateRight(x, 7), Avx512F.RotateRight(x, 18), Avx512F.ShiftRightLogical(x, 3));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> SmallSigma1(Vector512<uint> x) => Xor3(Avx512F.RotateRight(x, 17), Avx512F.RotateRight(x, 19), Avx512F.ShiftRightLogical(x, 10));

    private static readonly Vector512<byte> ByteSwap32 = Vector512.Create(
        (byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);

    /// <summary>vpermt2d indices for the transpose stage swapping s x s blocks: [s] for the upper row, [s + 16] for the lower.</summary>
    private static readonly Vector512<uint>[] TransposeIdx = BuildTransposeIdx();

    private static Vector512<uint>[] BuildTransposeIdx()
    {
        var r = new Vector512<uint>[32];
        foreach (int s in new[] { 8, 4, 2, 1 })
        {
            var lo = new uint[16];
            var hi = new uint[16];
            for (int j = 0; j < 16; j++)
            {
                lo[j] = (j & s) == 0 ? (uint)j : (uint)(16 + j - s);
                hi[j] = (j & s) == 0 ? (uint)(j + s) : (uint)(16 + j);
            }
            r[s] = Vector512.Create(lo);
            r[s + 16] = Vector512.Create(hi);
        }
        return r;
    }

    /// <summary>In-place 16x16 transpose of 32-bit words: at each stage swap the off-diagonal s x s blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(Vector512<uint>* m)
    {
        var idx = TransposeIdx;
        for (int s = 8; s >= 1; s >>= 1)
        {
            var lo = idx[s];
            var hi = idx[s + 16];
            for (int i = 0; i < 16; i++)
            {
                if ((i & s) != 0) continue;
                var top = m[i];
                var bottom = m[i + s];
                m[i] = Avx512F.PermuteVar16x32x2(top, lo, bottom);
                m[i + s] = Avx512F.PermuteVar16x32x2(top, hi, bottom);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Hash16(byte* src, byte* dst, uint* k, uint* kw2, uint* iv, Vector512<uint>* w)
    {
        var swap = ByteSwap32;
        // row i = message i (16 big-endian words); transpose so w[j] holds word j of all 16 messages
        for (int i = 0; i < 16; i++) w[i] = Avx512BW.Shuffle(Vector512.Load(src + 64 * i), swap).AsUInt32();
        Transpose16(w);

        Vector512<uint> a = Vector512.Create(iv[0]), b = Vector512.Create(iv[1]), c = Vector512.Create(iv[2]), d = Vector512.Create(iv[3]);
        Vector512<uint> e = Vector512.Create(iv[4]), f = Vector512.Create(iv[5]), g2 = Vector512.Create(iv[6]), h = Vector512.Create(iv[7]);

        for (int t = 0; t < 64; t++)
        {
            Vector512<uint> wt;
            if (t < 16) wt = w[t];
            else
            {
                var w15 = w[(t - 15) & 15];
                var w2 = w[(t - 2) & 15];
                wt = w[t & 15] + SmallSigma0(w15) + w[(t - 7) & 15] + SmallSigma1(w2);
                w[t & 15] = wt;
            }
            var t1 = h + BigSigma1(e) + Avx512F.TernaryLogic(e, f, g2, 0xCA) + Vector512.Create(k[t]) + wt;
            var t2 = BigSigma0(a) + Avx512F.TernaryLogic(a, b, c, 0xE8);
            h = g2; g2 = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        a += Vector512.Create(iv[0]); b += Vector512.Create(iv[1]); c += Vector512.Create(iv[2]); d += Vector512.Create(iv[3]);
        e += Vector512.Create(iv[4]); f += Vector512.Create(iv[5]); g2 += Vector512.Create(iv[6]); h += Vector512.Create(iv[7]);

        // second block: the constant padding, schedule precomputed
        Vector512<uint> a1 = a, b1 = b, c1 = c, d1 = d, e1 = e, f1 = f, g1 = g2, h1 = h;
        for (int t = 0; t < 64; t++)
        {
            var t1 = h + BigSigma1(e) + Avx512F.TernaryLogic(e, f, g2, 0xCA) + Vector512.Create(kw2[t]);
            var t2 = BigSigma0(a) + Avx512F.TernaryLogic(a, b, c, 0xE8);
            h = g2; g2 = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        a += a1; b += b1; c += c1; d += d1; e += e1; f += f1; g2 += g1; h += h1;

        // back to bytes: transpose so row i holds the 8 state words of node i, big-endian; trunc254 clears the top
        // bits of byte 31 (the top of word 7). Rows 8..15 are don't-care input and only their low halves are used.
        w[0] = Avx512BW.Shuffle(a.AsByte(), swap).AsUInt32();
        w[1] = Avx512BW.Shuffle(b.AsByte(), swap).AsUInt32();
        w[2] = Avx512BW.Shuffle(c.AsByte(), swap).AsUInt32();
        w[3] = Avx512BW.Shuffle(d.AsByte(), swap).AsUInt32();
        w[4] = Avx512BW.Shuffle(e.AsByte(), swap).AsUInt32();
        w[5] = Avx512BW.Shuffle(f.AsByte(), swap).AsUInt32();
        w[6] = Avx512BW.Shuffle(g2.AsByte(), swap).AsUInt32();
        w[7] = Avx512BW.Shuffle(h.AsByte(), swap).AsUInt32() & Vector512.Create(0x3FFFFFFFu);
        Transpose16(w);
        for (int i = 0; i < 16; i++) w[i].GetLower().Store((uint*)(dst + 32 * i));
    }

}
