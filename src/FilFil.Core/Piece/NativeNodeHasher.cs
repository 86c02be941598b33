using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FilFil.Core.Piece;

/// <summary>
/// libcrypto's <c>SHA256_Transform</c> (one 64-byte compression) called twice per node: the 64-byte message, then
/// the constant final block of a 64-byte message (0x80, zeros, bit length 512). The context's eight state words are
/// set to the SHA-256 IV directly (what <c>SHA256_Init</c> does) and read back as the digest, each word big-endian.
/// Function pointers with SuppressGCTransition keep the per-call cost to a few nanoseconds.
/// </summary>
internal sealed unsafe class NativeNodeHasher : NodeHasher
{
    // SHA256_CTX: uint h[8]; uint Nl, Nh; uint data[16]; uint num, md_len  = 112 bytes. Transform touches h only.
    private const int CtxSize = 112;
    private static readonly uint[] Iv =
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    private readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, byte*, void> _transform;
    private readonly byte* _padBlock; // process-lifetime native memory (one per process)
    private readonly string _library;

    public static NativeNodeHasher? Instance { get; }
    public static string? LoadError { get; }

    static NativeNodeHasher()
    {
        try
        {
            Instance = TryCreate(out var err);
            LoadError = err;
        }
        catch (Exception e)
        {
            LoadError = e.Message;
        }
    }

    private NativeNodeHasher(IntPtr transform, string library)
    {
        _transform = (delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, byte*, void>)transform;
        _library = library;
        _padBlock = (byte*)NativeMemory.AllocZeroed(64);
        _padBlock[0] = 0x80;
        _padBlock[62] = 0x02; // 512 bits, big-endian 64-bit length
    }

    public override string Name => $"native ({_library} SHA256_Transform)";

    private static readonly string[] Candidates =
        ["libcrypto.so.3", "libcrypto.so", "libcrypto.so.1.1", "libcrypto.3.dylib", "libcrypto-3-x64.dll", "libcrypto-3.dll"];

    private static NativeNodeHasher? TryCreate(out string? error)
    {
        error = "no libcrypto found (tried " + string.Join(", ", Candidates) + ")";
        foreach (var name in Candidates)
        {
            if (!NativeLibrary.TryLoad(name, typeof(NativeNodeHasher).Assembly, null, out var lib)) continue;
            if (!NativeLibrary.TryGetExport(lib, "SHA256_Transform", out var fn))
            {
                error = $"{name} has no SHA256_Transform export";
                continue;
            }
            var h = new NativeNodeHasher(fn, name);
            if (!h.SelfTest())
            {
                error = $"{name} SHA256_Transform failed the self-test against SHA256.HashData";
                continue;
            }
            error = null;
            return h;
        }
        return null;
    }

    /// <summary>Compares against the managed SHA-256 on a few messages before the path is ever used.</summary>
    private bool SelfTest()
    {
        Span<byte> msg = stackalloc byte[64 * 3];
        for (int i = 0; i < msg.Length; i++) msg[i] = (byte)(i * 131 + 7);
        Span<byte> got = stackalloc byte[32 * 3];
        Span<byte> want = stackalloc byte[32 * 3];
        fixed (byte* m = msg)
        fixed (byte* g = got)
            HashLayer(m, g, 3);
        fixed (byte* m = msg)
        fixed (byte* w = want)
            Managed.HashLayer(m, w, 3);
        return got.SequenceEqual(want);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override void HashLayer(byte* src, byte* dst, int pairs)
    {
        byte* ctx = stackalloc byte[CtxSize + 16];
        uint* h = (uint*)ctx;
        var transform = _transform;
        byte* pad = _padBlock;
        fixed (uint* iv = Iv)
        {
            for (int i = 0; i < pairs; i++)
            {
                Buffer.MemoryCopy(iv, h, 32, 32);
                transform(ctx, src + 64 * i);
                transform(ctx, pad);
                byte* o = dst + 32 * i;
                for (int k = 0; k < 8; k++) BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(o + 4 * k, 4), h[k]);
                o[31] &= 0x3F;
            }
        }
    }
}
