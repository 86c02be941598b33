using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FilFil.Core.Piece;

/// <summary>Which SHA-256 implementation hashes the tree nodes.</summary>
public enum CommPHashBackend
{
    /// <summary>The fastest available here: <see cref="Avx512"/>, else <see cref="Native"/>, else <see cref="Avx2"/>, else <see cref="Managed"/>.</summary>
    Auto,
    /// <summary>P/Invoke of libcrypto's <c>SHA256_Transform</c> (uses SHA-NI/AVX2 where the CPU has them). Throws when absent.</summary>
    Native,
    /// <summary><see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> per node: portable, slower.</summary>
    Managed,
    /// <summary>Managed SHA-256 over 16 nodes at once in AVX-512 registers (x64 with AVX-512F/BW). Throws when unsupported.</summary>
    Avx512,
    /// <summary>Managed SHA-256 over 8 nodes at once in AVX2 registers (x64 with AVX2). Throws when unsupported.</summary>
    Avx2,
}

/// <summary>
/// Hashes tree nodes: parent = SHA-256(left32 || right32) with the top two bits of byte 31 cleared (trunc254).
/// Implementations keep no per-node allocations and are safe to use from several threads at once.
/// </summary>
internal abstract class NodeHasher
{
    public abstract string Name { get; }

    /// <summary>
    /// Hashes <paramref name="pairs"/> consecutive 64-byte child pairs at <paramref name="src"/> into 32-byte parents
    /// at <paramref name="dst"/>. <paramref name="dst"/> may equal <paramref name="src"/> (a layer reduced in place).
    /// </summary>
    public abstract unsafe void HashLayer(byte* src, byte* dst, int pairs);

    /// <summary>One parent of <paramref name="left"/> and <paramref name="right"/>; <paramref name="parent"/> may alias either.</summary>
    public unsafe void HashPair(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> parent)
    {
        byte* buf = stackalloc byte[64];
        left[..32].CopyTo(new Span<byte>(buf, 32));
        right[..32].CopyTo(new Span<byte>(buf + 32, 32));
        HashLayer(buf, buf, 1);
        new ReadOnlySpan<byte>(buf, 32).CopyTo(parent);
    }

    public static NodeHasher Managed { get; } = new ManagedNodeHasher();

    /// <summary>The libcrypto hasher, or null when libcrypto is not loadable here (or failed its self-test).</summary>
    public static NodeHasher? Native => NativeNodeHasher.Instance;

    /// <summary>The AVX-512 hasher (its short layers go to native or managed), or null without AVX-512F/BW.</summary>
    public static NodeHasher? Avx512 { get; } = Avx512NodeHasher.IsSupported ? new Avx512NodeHasher(NativeNodeHasher.Instance ?? Managed) : null;

    /// <summary>The AVX2 hasher (its short layers go to native or managed), or null without AVX2.</summary>
    public static NodeHasher? Avx2 { get; } = Avx2NodeHasher.IsSupported ? new Avx2NodeHasher(NativeNodeHasher.Instance ?? Managed) : null;

    public static NodeHasher For(CommPHashBackend backend) => backend switch
    {
        CommPHashBackend.Auto => Avx512 ?? Native ?? Avx2 ?? Managed,
        CommPHashBackend.Avx2 => Avx2 ?? throw new PlatformNotSupportedException("the AVX2 commP hasher needs an x64 CPU with AVX2"),
        CommPHashBackend.Avx512 => Avx512 ?? throw new PlatformNotSupportedException("the AVX-512 commP hasher needs an x64 CPU with AVX-512F and AVX-512BW"),
        CommPHashBackend.Managed => Managed,
        CommPHashBackend.Native => Native ?? throw new PlatformNotSupportedException(
            "the native commP hasher needs libcrypto (libcrypto.so.3, libcrypto.so, libcrypto.3.dylib or libcrypto-3-x64.dll) exporting SHA256_Transform; " +
            $"it was not usable here: {NativeNodeHasher.LoadError}"),
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "unknown commP hash backend"),
    };
}

/// <summary>Portable path: one <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> per node into a stack buffer.</summary>
internal sealed class ManagedNodeHasher : NodeHasher
{
    public override string Name => "managed (SHA256.HashData)";

    public override unsafe void HashLayer(byte* src, byte* dst, int pairs)
    {
        Span<byte> h = stackalloc byte[32];
        for (int i = 0; i < pairs; i++)
        {
            SHA256.HashData(new ReadOnlySpan<byte>(src + 64 * i, 64), h);
            h[31] &= 0x3F;
            h.CopyTo(new Span<byte>(dst + 32 * i, 32));
        }
    }
}

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
