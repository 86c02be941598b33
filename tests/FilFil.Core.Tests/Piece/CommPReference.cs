using System.Security.Cryptography;

namespace FilFil.Core.Tests.Piece;

/// <summary>
/// Independent, deliberately naive commP for cross-checks: byte-wise Fr32, the whole padded tree in memory
/// (zeros included, hashed like any other node) with SHA256.HashData. Only for small inputs.
/// </summary>
internal static class CommPReference
{
    public static byte[] CommP(ReadOnlySpan<byte> payload)
    {
        int quads = Math.Max(1, (payload.Length + 126) / 127);
        int leaves = 4;
        while (leaves < quads * 4) leaves *= 2;
        var tree = new byte[leaves * 32];
        var quad = new byte[127];
        for (int q = 0; q < quads; q++)
        {
            Array.Clear(quad);
            int take = Math.Clamp(payload.Length - q * 127, 0, 127);
            payload.Slice(q * 127, take).CopyTo(quad);
            // bit-by-bit: leaf bit j of leaf k = input bit 254k + j
            for (int k = 0; k < 4; k++)
                for (int j = 0; j < 254; j++)
                {
                    int bit = 254 * k + j;
                    if (((quad[bit >> 3] >> (bit & 7)) & 1) != 0)
                        tree[q * 128 + k * 32 + (j >> 3)] |= (byte)(1 << (j & 7));
                }
        }
        int n = leaves;
        while (n > 1)
        {
            for (int i = 0; i < n / 2; i++)
            {
                var h = SHA256.HashData(tree.AsSpan(64 * i, 64));
                h[31] &= 0x3F;
                h.CopyTo(tree, 32 * i);
            }
            n /= 2;
        }
        return tree.AsSpan(0, 32).ToArray();
    }

    /// <summary>storacha/data-segment test/util.js deriveBuffer: 64-byte blocks, each SHA-512 of the previous block (the first of nothing).</summary>
    public static byte[] DeriveBuffer(int size)
    {
        var buf = new byte[size];
        var prev = SHA512.HashData(ReadOnlySpan<byte>.Empty);
        for (int off = 0; off < size; off += 64)
        {
            if (off > 0) prev = SHA512.HashData(buf.AsSpan(off - 64, 64));
            prev.AsSpan(0, Math.Min(64, size - off)).CopyTo(buf.AsSpan(off));
        }
        return buf;
    }
}
