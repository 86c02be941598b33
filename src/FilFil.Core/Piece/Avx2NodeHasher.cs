using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using X86 = System.Runtime.Intrinsics.X86;

namespace FilFil.Core.Piece;

/// <summary>
/// Eight nodes at once: SHA-256 over 8 independent 64-byte messages in the 8 lanes of AVX2 registers (for x64 CPUs
/// without AVX-512). Same structure as <see cref="Avx512NodeHasher"/>: gathered message words, a precomputed schedule
/// for the constant second block; rotations are shift/shift/or. Layers of fewer than 8 pairs go to the fallback.
/// </summary>
internal sealed unsafe class Avx2NodeHasher : NodeHasher
{
    private readonly NodeHasher _fallback;

    public Avx2NodeHasher(NodeHasher fallback) => _fallback = fallback;

    public static bool IsSupported => X86.Avx2.IsSupported && BitConverter.IsLittleEndian;

    public override string Name => "avx2 (8-lane managed SHA-256)";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void HashLayer(byte* src, byte* dst, int pairs)
    {
        int batches = pairs / 8;
        if (batches > 0)
        {
            fixed (uint* k = Avx512NodeHasher.K)
            fixed (uint* kw2 = Avx512NodeHasher.PadKW)
            fixed (uint* iv = Avx512NodeHasher.Iv)
            {
                Vector256<uint>* w = stackalloc Vector256<uint>[16];
                uint* outw = stackalloc uint[8 * 8];
                for (int b = 0; b < batches; b++)
                    Hash8(src + 512 * b, dst + 256 * b, k, kw2, iv, w, outw);
            }
        }
        int rest = pairs - batches * 8;
        if (rest > 0) _fallback.HashLayer(src + 512 * batches, dst + 256 * batches, rest);
    }

    // Rotations as shift/shift/or with literal counts (AVX2 has no vector rotate).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Shr(Vector256<uint> x, [System.Diagnostics.CodeAnalysis.ConstantExpected] byte n) => X86.Avx2.ShiftRightLogical(x, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Shl(Vector256<uint> x, [System.Diagnostics.CodeAnalysis.ConstantExpected] byte n) => X86.Avx2.ShiftLeftLogical(x, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> BigSigma0(Vector256<uint> a) => (Shr(a, 2) | Shl(a, 30)) ^ (Shr(a, 13) | Shl(a, 19)) ^ (Shr(a, 22) | Shl(a, 10));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> BigSigma1(Vector256<uint> e) => (Shr(e, 6) | Shl(e, 26)) ^ (Shr(e, 11) | Shl(e, 21)) ^ (Shr(e, 25) | Shl(e, 7));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> SmallSigma0(Vector256<uint> x) => (Shr(x, 7) | Shl(x, 25)) ^ (Shr(x, 18) | Shl(x, 14)) ^ Shr(x, 3);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> SmallSigma1(Vector256<uint> x) => (Shr(x, 17) | Shl(x, 15)) ^ (Shr(x, 19) | Shl(x, 13)) ^ Shr(x, 10);

    private static readonly Vector256<byte> ByteSwap32 = Vector256.Create(
        (byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);

    private static readonly Vector256<int> LaneStride = Vector256.Create(0, 16, 32, 48, 64, 80, 96, 112);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Hash8(byte* src, byte* dst, uint* k, uint* kw2, uint* iv, Vector256<uint>* w, uint* outw)
    {
        var swap = ByteSwap32;
        var stride = LaneStride;
        for (int j = 0; j < 16; j++)
            w[j] = X86.Avx2.Shuffle(X86.Avx2.GatherVector256((uint*)src + j, stride, 4).AsByte(), swap).AsUInt32();

        Vector256<uint> a = Vector256.Create(iv[0]), b = Vector256.Create(iv[1]), c = Vector256.Create(iv[2]), d = Vector256.Create(iv[3]);
        Vector256<uint> e = Vector256.Create(iv[4]), f = Vector256.Create(iv[5]), g = Vector256.Create(iv[6]), h = Vector256.Create(iv[7]);
        for (int t = 0; t < 64; t++)
        {
            Vector256<uint> wt;
            if (t < 16) wt = w[t];
            else
            {
                var w15 = w[(t - 15) & 15];
                var w2 = w[(t - 2) & 15];
                wt = w[t & 15] + SmallSigma0(w15) + w[(t - 7) & 15] + SmallSigma1(w2);
                w[t & 15] = wt;
            }
            var ch = (e & f) ^ X86.Avx2.AndNot(e, g);
            var t1 = h + BigSigma1(e) + ch + Vector256.Create(k[t]) + wt;
            var maj = (a & b) | (c & (a | b));
            var t2 = BigSigma0(a) + maj;
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        a += Vector256.Create(iv[0]); b += Vector256.Create(iv[1]); c += Vector256.Create(iv[2]); d += Vector256.Create(iv[3]);
        e += Vector256.Create(iv[4]); f += Vector256.Create(iv[5]); g += Vector256.Create(iv[6]); h += Vector256.Create(iv[7]);

        Vector256<uint> a1 = a, b1 = b, c1 = c, d1 = d, e1 = e, f1 = f, g1 = g, h1 = h;
        for (int t = 0; t < 64; t++)
        {
            var ch = (e & f) ^ X86.Avx2.AndNot(e, g);
            var t1 = h + BigSigma1(e) + ch + Vector256.Create(kw2[t]);
            var maj = (a & b) | (c & (a | b));
            var t2 = BigSigma0(a) + maj;
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        a += a1; b += b1; c += c1; d += d1; e += e1; f += f1; g += g1; h += h1;

        X86.Avx2.Shuffle(a.AsByte(), swap).AsUInt32().Store(outw);
        X86.Avx2.Shuffle(b.AsByte(), swap).AsUInt32().Store(outw + 8);
        X86.Avx2.Shuffle(c.AsByte(), swap).AsUInt32().Store(outw + 16);
        X86.Avx2.Shuffle(d.AsByte(), swap).AsUInt32().Store(outw + 24);
        X86.Avx2.Shuffle(e.AsByte(), swap).AsUInt32().Store(outw + 32);
        X86.Avx2.Shuffle(f.AsByte(), swap).AsUInt32().Store(outw + 40);
        X86.Avx2.Shuffle(g.AsByte(), swap).AsUInt32().Store(outw + 48);
        (X86.Avx2.Shuffle(h.AsByte(), swap).AsUInt32() & Vector256.Create(0x3FFFFFFFu)).Store(outw + 56);
        uint* o = (uint*)dst;
        for (int i = 0; i < 8; i++)
            for (int kk = 0; kk < 8; kk++)
                o[i * 8 + kk] = outw[kk * 8 + i];
    }
}
