namespace FilFil.Core.Piece;

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
