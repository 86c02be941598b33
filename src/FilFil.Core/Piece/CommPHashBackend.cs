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
