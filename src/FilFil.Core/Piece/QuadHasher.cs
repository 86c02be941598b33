using System.Numerics;
using System.Runtime.CompilerServices;

namespace FilFil.Core.Piece;

/// <summary>Hashes runs of Fr32 quads into <see cref="NodeStack"/> subtrees through an L1-sized leaf buffer.</summary>
internal static class QuadHasher
{
    /// <summary>Quads expanded and reduced at a time: 256 quads = 1024 leaves = 32 KiB (L1-sized), a level-10 subtree.</summary>
    public const int BlockQuads = 256;

    /// <summary>
    /// Pads and hashes <paramref name="quads"/> quads (127 bytes each) at <paramref name="payload"/> and pushes their
    /// subtrees onto <paramref name="stack"/>: 256-quad blocks, then descending powers of two, so every push is aligned
    /// when the run starts at an aligned position.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void HashQuads(byte* payload, long quads, NodeHasher hasher, NodeStack stack)
    {
        byte* leaves = stackalloc byte[BlockQuads * Fr32.OutBytesPerQuad];
        while (quads > 0)
        {
            int q = quads >= BlockQuads ? BlockQuads : (int)BitOperations.RoundUpToPowerOf2((uint)quads + 1) >> 1;
            Fr32.Pad(payload, leaves, q);
            int n = q * 4;
            int level = 0;
            while (n > 1)
            {
                hasher.HashLayer(leaves, leaves, n / 2);
                n /= 2;
                level++;
            }
            stack.Push(new ReadOnlySpan<byte>(leaves, 32), level);
            payload += (long)q * Fr32.InBytesPerQuad;
            quads -= q;
        }
    }
}
