using System.Security.Cryptography;

namespace FilFil.Core.Piece;

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
