using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FilFil.Core.Ipld;

/// <summary>
/// Multi-buffer BLAKE2b-256: many independent messages hashed at once, one per 64-bit vector lane (8 lanes with
/// AVX-512, 4 with AVX2, else the scalar <see cref="Blake2b"/>). Each lane takes the next message as soon as its
/// current one is done, so messages of different lengths keep every lane busy. Import verifies every block of a
/// snapshot (mostly a few hundred bytes each) through this.
/// </summary>
public static unsafe class Blake2bBatch
{
    private const ulong IV0 = 0x6a09e667f3bcc908UL, IV1 = 0xbb67ae8584caa73bUL, IV2 = 0x3c6ef372fe94f82bUL, IV3 = 0xa54ff53a5f1d36f1UL;
    private const ulong IV4 = 0x510e527fade682d1UL, IV5 = 0x9b05688c2b3e6c1fUL, IV6 = 0x1f83d9abfb41bd6bUL, IV7 = 0x5be0cd19137e2179UL;
    private const ulong Param = IV0 ^ 0x01010000UL ^ 32UL; // depth 1, fanout 1, no key, 32-byte digest

    private static readonly Vector256<byte> Rot24 = Vector256.Create((byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
    private static readonly Vector256<byte> Rot16 = Vector256.Create((byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);

    /// <summary>Messages hashed at once on this CPU (1 = scalar).</summary>
    public static int Lanes { get; } = Avx512F.IsSupported ? 8 : Avx2.IsSupported ? 4 : 1;

    /// <summary>
    /// Hashes <c>lengths.Length</c> messages: message i is <c>lengths[i]</c> bytes at <c>data[i]</c> (native or
    /// pinned memory that stays put for the call); its digest goes to <c>digests[32 * i .. 32 * i + 32]</c>.
    /// </summary>
    public static void Hash256(ReadOnlySpan<nint> data, ReadOnlySpan<int> lengths, Span<byte> digests) =>
        Hash256(data, lengths, digests, Lanes);

    internal static void Hash256(ReadOnlySpan<nint> data, ReadOnlySpan<int> lengths, Span<byte> digests, int lanes)
    {
        int count = lengths.Length;
        if (data.Length < count) throw new ArgumentException("one data pointer per length", nameof(data));
        if (digests.Length < 32 * count) throw new ArgumentException($"{count} digests need {32 * count} bytes", nameof(digests));
        for (int i = 0; i < count; i++)
            if (lengths[i] < 0) throw new ArgumentOutOfRangeException(nameof(lengths), lengths[i], "message lengths must not be negative");
        if (lanes == 8 && Avx512F.IsSupported) Run(data, lengths, digests, 8);
        else if (lanes == 4 && Avx2.IsSupported) Run(data, lengths, digests, 4);
        else
            for (int i = 0; i < count; i++)
                Blake2b.Hash256(new ReadOnlySpan<byte>((void*)data[i], lengths[i]), digests.Slice(32 * i, 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(ReadOnlySpan<nint> data, ReadOnlySpan<int> lengths, Span<byte> digests, int lanes)
    {
        int count = lengths.Length;
        ulong* state = stackalloc ulong[8 * 8];   // state[word * lanes + lane]
        ulong* msg = stackalloc ulong[16 * 8];    // msg[word * lanes + lane]
        ulong* counter = stackalloc ulong[8];
        ulong* final = stackalloc ulong[8];
        int* job = stackalloc int[8];
        int* pos = stackalloc int[8];
        ulong* pad = stackalloc ulong[16];
        int next = 0, active = 0;
        for (int l = 0; l < lanes; l++)
        {
            job[l] = -1;
            counter[l] = 0; final[l] = 0;
            for (int w = 0; w < 8; w++) state[w * lanes + l] = 0;
            for (int w = 0; w < 16; w++) msg[w * lanes + l] = 0;
            if (next < count) { Start(l); }
        }
        fixed (byte* dig = digests)
        {
            uint finishing = 0;
            while (active > 0)
            {
                finishing = 0;
                for (int l = 0; l < lanes; l++)
                {
                    int j = job[l];
                    if (j < 0) continue;
                    byte* p = (byte*)data[j] + pos[l];
                    int rem = lengths[j] - pos[l];
                    ulong* m = msg + l;
                    if (rem > 128)
                    {
                        for (int w = 0; w < 16; w++) m[w * lanes] = Unsafe.ReadUnaligned<ulong>(p + 8 * w);
                        counter[l] += 128;
                        pos[l] += 128;
                    }
                    else
                    {
                        new Span<ulong>(pad, 16).Clear();
                        new ReadOnlySpan<byte>(p, rem).CopyTo(new Span<byte>(pad, 128));
                        for (int w = 0; w < 16; w++) m[w * lanes] = pad[w];
                        counter[l] += (ulong)rem;
                        final[l] = ulong.MaxValue;
                        finishing |= 1u << l;
                    }
                }
                if (lanes == 8) Compress8(state, msg, counter, final);
                else Compress4(state, msg, counter, final);
                while (finishing != 0)
                {
                    int l = System.Numerics.BitOperations.TrailingZeroCount(finishing);
                    finishing &= finishing - 1;
                    byte* d = dig + 32 * job[l];
                    for (int w = 0; w < 4; w++) BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(d + 8 * w, 8), state[w * lanes + l]);
                    active--;
                    job[l] = -1;
                    if (next < count) Start(l);
                }
            }
        }

        void Start(int l)
        {
            job[l] = next++;
            pos[l] = 0;
            counter[l] = 0;
            final[l] = 0;
            state[l] = Param;
            state[1 * lanes + l] = IV1; state[2 * lanes + l] = IV2; state[3 * lanes + l] = IV3;
            state[4 * lanes + l] = IV4; state[5 * lanes + l] = IV5; state[6 * lanes + l] = IV6; state[7 * lanes + l] = IV7;
            active++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Ror63(Vector256<ulong> x) => Avx2.Or(Avx2.ShiftRightLogical(x, 63), Avx2.Add(x, x));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress8(ulong* state, ulong* msg, ulong* counter, ulong* final)
    {
        var m0 = Vector512.Load(msg + 0);
        var m1 = Vector512.Load(msg + 8);
        var m2 = Vector512.Load(msg + 16);
        var m3 = Vector512.Load(msg + 24);
        var m4 = Vector512.Load(msg + 32);
        var m5 = Vector512.Load(msg + 40);
        var m6 = Vector512.Load(msg + 48);
        var m7 = Vector512.Load(msg + 56);
        var m8 = Vector512.Load(msg + 64);
        var m9 = Vector512.Load(msg + 72);
        var m10 = Vector512.Load(msg + 80);
        var m11 = Vector512.Load(msg + 88);
        var m12 = Vector512.Load(msg + 96);
        var m13 = Vector512.Load(msg + 104);
        var m14 = Vector512.Load(msg + 112);
        var m15 = Vector512.Load(msg + 120);
        var h0 = Vector512.Load(state + 0);
        var h1 = Vector512.Load(state + 8);
        var h2 = Vector512.Load(state + 16);
        var h3 = Vector512.Load(state + 24);
        var h4 = Vector512.Load(state + 32);
        var h5 = Vector512.Load(state + 40);
        var h6 = Vector512.Load(state + 48);
        var h7 = Vector512.Load(state + 56);
        var v0 = h0; var v1 = h1; var v2 = h2; var v3 = h3; var v4 = h4; var v5 = h5; var v6 = h6; var v7 = h7;
        var v8 = Vector512.Create(IV0); var v9 = Vector512.Create(IV1); var v10 = Vector512.Create(IV2); var v11 = Vector512.Create(IV3);
        var v12 = Vector512.Create(IV4) ^ Vector512.Load(counter); var v13 = Vector512.Create(IV5);
        var v14 = Vector512.Create(IV6) ^ Vector512.Load(final); var v15 = Vector512.Create(IV7);
        // round 0
        v0 += v4 + m0; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m1; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m2; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m3; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m4; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m5; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m6; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m7; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m8; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m9; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m10; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m11; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m12; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m13; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m14; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m15; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 1
        v0 += v4 + m14; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m10; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m4; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m8; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m9; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m15; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m13; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m6; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m1; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m12; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m0; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m2; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m11; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m7; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m5; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m3; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 2
        v0 += v4 + m11; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m8; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m12; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m0; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m5; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m2; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m15; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m13; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m10; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m14; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m3; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m6; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m7; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m1; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m9; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m4; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 3
        v0 += v4 + m7; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m9; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m3; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m1; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m13; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m12; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m11; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m14; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m2; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m6; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m5; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m10; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m4; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m0; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m15; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m8; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 4
        v0 += v4 + m9; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m0; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m5; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m7; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m2; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m4; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m10; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m15; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m14; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m1; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m11; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m12; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m6; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m8; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m3; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m13; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 5
        v0 += v4 + m2; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m12; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m6; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m10; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m0; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m11; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m8; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m3; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m4; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m13; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m7; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m5; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m15; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m14; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m1; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m9; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 6
        v0 += v4 + m12; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m5; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m1; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m15; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m14; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m13; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m4; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m10; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m0; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m7; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m6; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m3; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m9; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m2; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m8; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m11; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 7
        v0 += v4 + m13; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m11; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m7; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m14; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m12; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m1; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m3; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m9; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m5; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m0; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m15; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m4; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m8; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m6; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m2; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m10; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 8
        v0 += v4 + m6; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m15; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m14; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m9; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m11; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m3; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m0; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m8; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m12; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m2; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m13; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m7; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m1; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m4; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m10; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m5; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 9
        v0 += v4 + m10; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m2; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m8; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m4; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m7; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m6; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m1; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m5; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m15; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m11; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m9; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m14; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m3; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m12; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m13; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m0; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 10
        v0 += v4 + m0; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m1; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m2; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m3; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m4; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m5; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m6; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m7; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m8; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m9; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m10; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m11; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m12; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m13; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m14; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m15; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        // round 11
        v0 += v4 + m14; v12 = Avx512F.RotateRight(v12 ^ v0, 32); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 24);
        v0 += v4 + m10; v12 = Avx512F.RotateRight(v12 ^ v0, 16); v8 += v12; v4 = Avx512F.RotateRight(v4 ^ v8, 63);
        v1 += v5 + m4; v13 = Avx512F.RotateRight(v13 ^ v1, 32); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 24);
        v1 += v5 + m8; v13 = Avx512F.RotateRight(v13 ^ v1, 16); v9 += v13; v5 = Avx512F.RotateRight(v5 ^ v9, 63);
        v2 += v6 + m9; v14 = Avx512F.RotateRight(v14 ^ v2, 32); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 24);
        v2 += v6 + m15; v14 = Avx512F.RotateRight(v14 ^ v2, 16); v10 += v14; v6 = Avx512F.RotateRight(v6 ^ v10, 63);
        v3 += v7 + m13; v15 = Avx512F.RotateRight(v15 ^ v3, 32); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 24);
        v3 += v7 + m6; v15 = Avx512F.RotateRight(v15 ^ v3, 16); v11 += v15; v7 = Avx512F.RotateRight(v7 ^ v11, 63);
        v0 += v5 + m1; v15 = Avx512F.RotateRight(v15 ^ v0, 32); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 24);
        v0 += v5 + m12; v15 = Avx512F.RotateRight(v15 ^ v0, 16); v10 += v15; v5 = Avx512F.RotateRight(v5 ^ v10, 63);
        v1 += v6 + m0; v12 = Avx512F.RotateRight(v12 ^ v1, 32); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 24);
        v1 += v6 + m2; v12 = Avx512F.RotateRight(v12 ^ v1, 16); v11 += v12; v6 = Avx512F.RotateRight(v6 ^ v11, 63);
        v2 += v7 + m11; v13 = Avx512F.RotateRight(v13 ^ v2, 32); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 24);
        v2 += v7 + m7; v13 = Avx512F.RotateRight(v13 ^ v2, 16); v8 += v13; v7 = Avx512F.RotateRight(v7 ^ v8, 63);
        v3 += v4 + m5; v14 = Avx512F.RotateRight(v14 ^ v3, 32); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 24);
        v3 += v4 + m3; v14 = Avx512F.RotateRight(v14 ^ v3, 16); v9 += v14; v4 = Avx512F.RotateRight(v4 ^ v9, 63);
        (h0 ^ v0 ^ v8).Store(state + 0);
        (h1 ^ v1 ^ v9).Store(state + 8);
        (h2 ^ v2 ^ v10).Store(state + 16);
        (h3 ^ v3 ^ v11).Store(state + 24);
        (h4 ^ v4 ^ v12).Store(state + 32);
        (h5 ^ v5 ^ v13).Store(state + 40);
        (h6 ^ v6 ^ v14).Store(state + 48);
        (h7 ^ v7 ^ v15).Store(state + 56);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress4(ulong* state, ulong* msg, ulong* counter, ulong* final)
    {
        var m0 = Vector256.Load(msg + 0);
        var m1 = Vector256.Load(msg + 4);
        var m2 = Vector256.Load(msg + 8);
        var m3 = Vector256.Load(msg + 12);
        var m4 = Vector256.Load(msg + 16);
        var m5 = Vector256.Load(msg + 20);
        var m6 = Vector256.Load(msg + 24);
        var m7 = Vector256.Load(msg + 28);
        var m8 = Vector256.Load(msg + 32);
        var m9 = Vector256.Load(msg + 36);
        var m10 = Vector256.Load(msg + 40);
        var m11 = Vector256.Load(msg + 44);
        var m12 = Vector256.Load(msg + 48);
        var m13 = Vector256.Load(msg + 52);
        var m14 = Vector256.Load(msg + 56);
        var m15 = Vector256.Load(msg + 60);
        var h0 = Vector256.Load(state + 0);
        var h1 = Vector256.Load(state + 4);
        var h2 = Vector256.Load(state + 8);
        var h3 = Vector256.Load(state + 12);
        var h4 = Vector256.Load(state + 16);
        var h5 = Vector256.Load(state + 20);
        var h6 = Vector256.Load(state + 24);
        var h7 = Vector256.Load(state + 28);
        var v0 = h0; var v1 = h1; var v2 = h2; var v3 = h3; var v4 = h4; var v5 = h5; var v6 = h6; var v7 = h7;
        var v8 = Vector256.Create(IV0); var v9 = Vector256.Create(IV1); var v10 = Vector256.Create(IV2); var v11 = Vector256.Create(IV3);
        var v12 = Vector256.Create(IV4) ^ Vector256.Load(counter); var v13 = Vector256.Create(IV5);
        var v14 = Vector256.Create(IV6) ^ Vector256.Load(final); var v15 = Vector256.Create(IV7);
        // round 0
        v0 += v4 + m0; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m1; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m2; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m3; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m4; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m5; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m6; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m7; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m8; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m9; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m10; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m11; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m12; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m13; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m14; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m15; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 1
        v0 += v4 + m14; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m10; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m4; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m8; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m9; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m15; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m13; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m6; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m1; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m12; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m0; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m2; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m11; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m7; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m5; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m3; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 2
        v0 += v4 + m11; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m8; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m12; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m0; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m5; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m2; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m15; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m13; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m10; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m14; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m3; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m6; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m7; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m1; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m9; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m4; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 3
        v0 += v4 + m7; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m9; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m3; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m1; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m13; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m12; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m11; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m14; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m2; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m6; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m5; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m10; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m4; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m0; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m15; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m8; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 4
        v0 += v4 + m9; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m0; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m5; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m7; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m2; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m4; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m10; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m15; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m14; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m1; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m11; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m12; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m6; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m8; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m3; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m13; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 5
        v0 += v4 + m2; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m12; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m6; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m10; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m0; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m11; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m8; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m3; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m4; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m13; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m7; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m5; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m15; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m14; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m1; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m9; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 6
        v0 += v4 + m12; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m5; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m1; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m15; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m14; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m13; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m4; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m10; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m0; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m7; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m6; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m3; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m9; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m2; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m8; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m11; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 7
        v0 += v4 + m13; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m11; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m7; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m14; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m12; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m1; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m3; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m9; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m5; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m0; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m15; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m4; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m8; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m6; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m2; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m10; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 8
        v0 += v4 + m6; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m15; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m14; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m9; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m11; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m3; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m0; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m8; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m12; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m2; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m13; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m7; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m1; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m4; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m10; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m5; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 9
        v0 += v4 + m10; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m2; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m8; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m4; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m7; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m6; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m1; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m5; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m15; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m11; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m9; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m14; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m3; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m12; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m13; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m0; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 10
        v0 += v4 + m0; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m1; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m2; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m3; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m4; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m5; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m6; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m7; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m8; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m9; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m10; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m11; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m12; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m13; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m14; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m15; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        // round 11
        v0 += v4 + m14; v12 = Avx2.Shuffle((v12 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v12; v4 = Avx2.Shuffle((v4 ^ v8).AsByte(), Rot24).AsUInt64();
        v0 += v4 + m10; v12 = Avx2.Shuffle((v12 ^ v0).AsByte(), Rot16).AsUInt64(); v8 += v12; v4 = Ror63(v4 ^ v8);
        v1 += v5 + m4; v13 = Avx2.Shuffle((v13 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v13; v5 = Avx2.Shuffle((v5 ^ v9).AsByte(), Rot24).AsUInt64();
        v1 += v5 + m8; v13 = Avx2.Shuffle((v13 ^ v1).AsByte(), Rot16).AsUInt64(); v9 += v13; v5 = Ror63(v5 ^ v9);
        v2 += v6 + m9; v14 = Avx2.Shuffle((v14 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v14; v6 = Avx2.Shuffle((v6 ^ v10).AsByte(), Rot24).AsUInt64();
        v2 += v6 + m15; v14 = Avx2.Shuffle((v14 ^ v2).AsByte(), Rot16).AsUInt64(); v10 += v14; v6 = Ror63(v6 ^ v10);
        v3 += v7 + m13; v15 = Avx2.Shuffle((v15 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v15; v7 = Avx2.Shuffle((v7 ^ v11).AsByte(), Rot24).AsUInt64();
        v3 += v7 + m6; v15 = Avx2.Shuffle((v15 ^ v3).AsByte(), Rot16).AsUInt64(); v11 += v15; v7 = Ror63(v7 ^ v11);
        v0 += v5 + m1; v15 = Avx2.Shuffle((v15 ^ v0).AsUInt32(), 0b10_11_00_01).AsUInt64(); v10 += v15; v5 = Avx2.Shuffle((v5 ^ v10).AsByte(), Rot24).AsUInt64();
        v0 += v5 + m12; v15 = Avx2.Shuffle((v15 ^ v0).AsByte(), Rot16).AsUInt64(); v10 += v15; v5 = Ror63(v5 ^ v10);
        v1 += v6 + m0; v12 = Avx2.Shuffle((v12 ^ v1).AsUInt32(), 0b10_11_00_01).AsUInt64(); v11 += v12; v6 = Avx2.Shuffle((v6 ^ v11).AsByte(), Rot24).AsUInt64();
        v1 += v6 + m2; v12 = Avx2.Shuffle((v12 ^ v1).AsByte(), Rot16).AsUInt64(); v11 += v12; v6 = Ror63(v6 ^ v11);
        v2 += v7 + m11; v13 = Avx2.Shuffle((v13 ^ v2).AsUInt32(), 0b10_11_00_01).AsUInt64(); v8 += v13; v7 = Avx2.Shuffle((v7 ^ v8).AsByte(), Rot24).AsUInt64();
        v2 += v7 + m7; v13 = Avx2.Shuffle((v13 ^ v2).AsByte(), Rot16).AsUInt64(); v8 += v13; v7 = Ror63(v7 ^ v8);
        v3 += v4 + m5; v14 = Avx2.Shuffle((v14 ^ v3).AsUInt32(), 0b10_11_00_01).AsUInt64(); v9 += v14; v4 = Avx2.Shuffle((v4 ^ v9).AsByte(), Rot24).AsUInt64();
        v3 += v4 + m3; v14 = Avx2.Shuffle((v14 ^ v3).AsByte(), Rot16).AsUInt64(); v9 += v14; v4 = Ror63(v4 ^ v9);
        (h0 ^ v0 ^ v8).Store(state + 0);
        (h1 ^ v1 ^ v9).Store(state + 4);
        (h2 ^ v2 ^ v10).Store(state + 8);
        (h3 ^ v3 ^ v11).Store(state + 12);
        (h4 ^ v4 ^ v12).Store(state + 16);
        (h5 ^ v5 ^ v13).Store(state + 20);
        (h6 ^ v6 ^ v14).Store(state + 24);
        (h7 ^ v7 ^ v15).Store(state + 28);
    }

}
