using FilFil.Core.Ipld;

namespace FilFil.Core.Piece;

/// <summary>
/// A piece commitment and its sizes.
/// </summary>
/// <param name="PieceCidV1">baga6ea4seaq...: CIDv1, codec fil-commitment-unsealed (0xf101), multihash sha2-256-trunc254-padded (0x1012), 32-byte digest = <paramref name="CommP"/>.</param>
/// <param name="PieceCidV2">bafkzcib...: FRC-0069 CIDv1, codec raw (0x55), multihash fr32-sha256-trunc254-padbintree (0x1011), digest = uvarint(padding) | height (1 byte) | root (32 bytes).</param>
/// <param name="PayloadSize">Unpadded payload bytes.</param>
/// <param name="PaddedSize">Padded piece size in bytes: 32 &lt;&lt; <paramref name="Height"/> (128 at least).</param>
/// <param name="Height">Tree height: log2(<paramref name="PaddedSize"/> / 32).</param>
/// <param name="Padding">Zero bytes added at the payload level: <paramref name="PaddedSize"/> x 127/128 - <paramref name="PayloadSize"/>.</param>
/// <param name="CommP">The 32-byte tree root.</param>
public sealed record PieceInfo(Cid PieceCidV1, Cid PieceCidV2, ulong PayloadSize, ulong PaddedSize, int Height, ulong Padding, byte[] CommP)
{
    /// <summary>Hex of <see cref="CommP"/>.</summary>
    public string CommPHex => Convert.ToHexString(CommP).ToLowerInvariant();

    /// <summary>Value equality, including the bytes of <see cref="CommP"/>.</summary>
    public bool Equals(PieceInfo? other) =>
        other is not null && PieceCidV1 == other.PieceCidV1 && PieceCidV2 == other.PieceCidV2 && PayloadSize == other.PayloadSize
        && PaddedSize == other.PaddedSize && Height == other.Height && Padding == other.Padding
        && CommP.AsSpan().SequenceEqual(other.CommP);

    public override int GetHashCode() => HashCode.Combine(PieceCidV2, PayloadSize);

    public override string ToString() =>
        $"{PieceCidV2} (v1 {PieceCidV1}, payload {PayloadSize}, padded {PaddedSize}, height {Height}, padding {Padding})";
}
