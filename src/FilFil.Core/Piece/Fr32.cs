using System.Runtime.CompilerServices;

namespace FilFil.Core.Piece;

/// <summary>
/// Fr32 padding: every 127-byte "quad" (4 x 254 bits) becomes four 32-byte leaves, each holding 254 payload bits
/// (least significant bit first) with the top two bits of its last byte zero. Same bit layout as
/// go-fil-commp-hashhash <c>digestQuads</c> and storacha/data-segment <c>fr32.pad</c>.
/// </summary>
internal static class Fr32
{
    public const int InBytesPerQuad = 127;
    public const int OutBytesPerQuad = 128;
    private const ulong Top2Clear = 0x3FFF_FFFF_FFFF_FFFFUL;

    /// <summary>Expands <paramref name="quads"/> quads from <paramref name="src"/> (127 bytes each) to <paramref name="dst"/> (128 bytes each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Pad(byte* src, byte* dst, int quads)
    {
        if (!BitConverter.IsLittleEndian)
        {
            for (int q = 0; q < quads; q++) PadQuadBytewise(new ReadOnlySpan<byte>(src + q * 127, 127), new Span<byte>(dst + q * 128, 128));
            return;
        }
        for (int q = 0; q < quads; q++, src += InBytesPerQuad, dst += OutBytesPerQuad)
            PadQuad(src, (ulong*)dst);
    }

    /// <summary>Span form of <see cref="Pad(byte*, byte*, int)"/>: <paramref name="src"/> must be a multiple of 127 bytes.</summary>
    public static unsafe void Pad(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (src.Length % InBytesPerQuad != 0) throw new ArgumentException($"Fr32 input must be a multiple of 127 bytes, got {src.Length}", nameof(src));
        int quads = src.Length / InBytesPerQuad;
        if (dst.Length < quads * OutBytesPerQuad) throw new ArgumentException($"Fr32 output needs {quads * OutBytesPerQuad} bytes, got {dst.Length}", nameof(dst));
        fixed (byte* s = src)
        fixed (byte* d = dst)
            Pad(s, d, quads);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe ulong R(byte* p) => Unsafe.ReadUnaligned<ulong>(p);

    /// <summary>One quad with 64-bit shifts (little-endian hosts): leaf k is the input shifted right by 254*k bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PadQuad(byte* i, ulong* o)
    {
        // leaf 0: bits 0..253
        o[0] = R(i);
        o[1] = R(i + 8);
        o[2] = R(i + 16);
        o[3] = R(i + 24) & Top2Clear;
        // leaf 1: bits 254..507 = from byte 31, bit 6
        ulong a0 = R(i + 31), a1 = R(i + 39), a2 = R(i + 47), a3 = R(i + 55), a4 = R(i + 63);
        o[4] = (a0 >> 6) | (a1 << 58);
        o[5] = (a1 >> 6) | (a2 << 58);
        o[6] = (a2 >> 6) | (a3 << 58);
        o[7] = ((a3 >> 6) | (a4 << 58)) & Top2Clear;
        // leaf 2: bits 508..761 = from byte 63, bit 4
        ulong b0 = a4, b1 = R(i + 71), b2 = R(i + 79), b3 = R(i + 87), b4 = R(i + 95);
        o[8] = (b0 >> 4) | (b1 << 60);
        o[9] = (b1 >> 4) | (b2 << 60);
        o[10] = (b2 >> 4) | (b3 << 60);
        o[11] = ((b3 >> 4) | (b4 << 60)) & Top2Clear;
        // leaf 3: bits 762..1015 = from byte 95, bit 2 (the last word ends at byte 126)
        ulong c0 = b4, c1 = R(i + 103), c2 = R(i + 111), c3 = R(i + 119);
        o[12] = (c0 >> 2) | (c1 << 62);
        o[13] = (c1 >> 2) | (c2 << 62);
        o[14] = (c2 >> 2) | (c3 << 62);
        o[15] = c3 >> 2;
    }

    /// <summary>
    /// The byte-at-a-time form (as in go-fil-commp-hashhash): the reference the fast path is tested against,
    /// and the path used on big-endian hosts.
    /// </summary>
    internal static void PadQuadBytewise(ReadOnlySpan<byte> input, Span<byte> output)
    {
        input[..32].CopyTo(output);
        output[31] &= 0x3F;
        for (int i = 32; i < 64; i++) output[i] = (byte)((input[i] << 2) | (input[i - 1] >> 6));
        output[63] &= 0x3F;
        for (int i = 64; i < 96; i++) output[i] = (byte)((input[i] << 4) | (input[i - 1] >> 4));
        output[95] &= 0x3F;
        for (int i = 96; i < 127; i++) output[i] = (byte)((input[i] << 6) | (input[i - 1] >> 2));
        output[127] = (byte)(input[126] >> 2);
    }
}
