using System.Buffers;
using System.Globalization;
using System.Numerics;
using FilFil.Core.Encoding;
using FilFil.Core.Ipld;

namespace FilFil.Core.Piece;

/// <summary>
/// Filecoin piece commitment (commP): Fr32 padding (127 -> 128 bytes), a SHA-256-trunc254 binary Merkle tree over
/// 32-byte leaves, padded to a power of two with zero subtrees; and the v1 / v2 (FRC-0069) piece CIDs.
/// </summary>
/// <remarks>
/// Payloads under 127 bytes are zero-padded to 127 bytes (one quad, a 128-byte piece of height 2), as FRC-0069 and
/// storacha/data-segment do; the empty payload therefore has padding 127 and v2 CID
/// bafkzcibcp4bdomn3tgwgrh3g532zopskstnbrd2n3sxfqbze7rxt7vqn7veigmy. The largest piece is 64 GiB padded (height 31).
/// </remarks>
public static class PieceCommitment
{
    /// <summary>Smallest padded piece: 128 bytes (one quad, four leaves, height 2).</summary>
    public const ulong MinPaddedSize = 128;
    /// <summary>Smallest tree height a piece CID may carry.</summary>
    public const int MinHeight = 2;

    /// <summary>commP of an in-memory payload.</summary>
    public static PieceInfo Compute(ReadOnlySpan<byte> data)
    {
        using var h = new CommPHasher();
        h.Write(data);
        return h.Finish();
    }

    /// <summary>commP of the rest of <paramref name="s"/>, reporting cumulative bytes read to <paramref name="progress"/>.</summary>
    public static PieceInfo Compute(Stream s, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(s);
        using var h = new CommPHasher();
        var buf = ArrayPool<byte>.Shared.Rent(CommPHasher.ChunkPayload);
        try
        {
            int n;
            while ((n = s.Read(buf, 0, CommPHasher.ChunkPayload)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                h.Write(buf.AsSpan(0, n));
                progress?.Report(h.BytesWritten);
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buf); }
        ct.ThrowIfCancellationRequested();
        return h.Finish();
    }

    /// <summary>commP of a file.</summary>
    public static PieceInfo ComputeFile(string path, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        if ((ulong)fs.Length > CommPHasher.MaxPayloadSize)
            throw new InvalidOperationException(
                $"file '{path}' is {fs.Length} bytes; the largest piece payload is {CommPHasher.MaxPayloadSize} bytes (64 GiB padded piece)");
        return Compute(fs, progress, ct);
    }

    /// <summary>
    /// Decodes a v2 piece CID (FRC-0069). Rejects other codecs/multihashes, a digest that is not exactly
    /// uvarint(padding) | height | 32-byte root, heights outside 2..58, a root with its top two bits set, and padding of
    /// half the tree's payload capacity or more (go-fil-commcid <c>PieceCidV2ToDataCommitment</c>), except that a
    /// height-2 piece may carry padding up to 127 (payloads under 127 bytes, FRC-0069).
    /// </summary>
    public static PieceInfo FromPieceCid(Cid pieceCidV2)
    {
        if (pieceCidV2.IsDefault) throw new ArgumentException("piece CID is undefined", nameof(pieceCidV2));
        const string what = "piece CID v2";
        if (pieceCidV2.Version != 1 || pieceCidV2.Codec != Multicodec.Raw || pieceCidV2.HashCode != Multicodec.Fr32Sha256Trunc254PadBinTree)
            throw new FilFilFormatException(what, 0, "CIDv1 raw (0x55) with multihash fr32-sha256-trunc254-padbintree (0x1011)",
                $"v{pieceCidV2.Version} {Multicodec.CodecName(pieceCidV2.Codec)} / {Multicodec.HashName(pieceCidV2.HashCode)}");
        var bytes = pieceCidV2.Bytes;
        var digest = pieceCidV2.Digest;
        int at = bytes.Length - digest.Length;
        int vl = Varint.TryRead(digest, out ulong padding);
        if (vl <= 0) throw new FilFilFormatException(what, at, "a minimal uvarint padding", vl == 0 ? "end of digest" : "a malformed varint");
        if (digest.Length != vl + 33)
            throw new FilFilFormatException(what, at, $"a digest of {vl + 33} bytes (padding varint, height, 32-byte root)", $"{digest.Length} bytes");
        int height = digest[vl];
        if (height < MinHeight || height > ZeroComm.MaxLevel)
            throw new FilFilFormatException(what, at + vl, $"a tree height of {MinHeight}..{ZeroComm.MaxLevel}", height.ToString(CultureInfo.InvariantCulture));
        var root = digest.Slice(vl + 1, 32);
        if ((root[31] & 0xC0) != 0)
            throw new FilFilFormatException(what, at + vl + 32, "a trunc254 root (top two bits of byte 31 clear)", $"0x{root[31]:x2}");
        ulong capacity = (32UL << height) / 128 * 127;
        ulong limit = height == MinHeight ? capacity : capacity / 2 - 1;
        if (padding > limit)
            throw new FilFilFormatException(what, at, height == MinHeight
                ? $"padding of at most {capacity} bytes for a height-{height} piece"
                : $"padding under half the padded payload ({capacity / 2} bytes) for a height-{height} piece", padding.ToString(CultureInfo.InvariantCulture));
        return MakeInfo(root.ToArray(), capacity - padding, height);
    }

    /// <summary>The v1 piece CID (baga6ea4seaq...) of a 32-byte commP.</summary>
    public static Cid ToPieceCidV1(ReadOnlySpan<byte> commP)
    {
        CheckCommP(commP, nameof(commP));
        return Cid.Create(Multicodec.FilCommitmentUnsealed, Multicodec.Sha2_256Trunc254Padded, commP);
    }

    /// <summary>The v2 piece CID (bafkzcib...) of a commP with its tree height and payload-level padding.</summary>
    public static Cid ToPieceCidV2(ReadOnlySpan<byte> commP, int height, ulong padding)
    {
        CheckCommP(commP, nameof(commP));
        if (height < MinHeight || height > ZeroComm.MaxLevel)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"tree height must be {MinHeight}..{ZeroComm.MaxLevel}");
        Span<byte> d = stackalloc byte[Varint.MaxLength + 33];
        int n = Varint.Write(d, padding);
        d[n++] = (byte)height;
        commP.CopyTo(d[n..]);
        return Cid.Create(Multicodec.Raw, Multicodec.Fr32Sha256Trunc254PadBinTree, d[..(n + 32)]);
    }

    /// <summary>The raw commP of a v1 piece CID (checks codec, multihash and length).</summary>
    public static byte[] FromPieceCidV1(Cid pieceCidV1)
    {
        if (pieceCidV1.IsDefault) throw new ArgumentException("piece CID is undefined", nameof(pieceCidV1));
        if (pieceCidV1.Version != 1 || pieceCidV1.Codec != Multicodec.FilCommitmentUnsealed || pieceCidV1.HashCode != Multicodec.Sha2_256Trunc254Padded
            || pieceCidV1.Digest.Length != 32)
            throw new FilFilFormatException("piece CID v1", 0, "CIDv1 fil-commitment-unsealed (0xf101) with a 32-byte sha2-256-trunc254-padded (0x1012) digest",
                $"v{pieceCidV1.Version} {Multicodec.CodecName(pieceCidV1.Codec)} / {Multicodec.HashName(pieceCidV1.HashCode)} ({pieceCidV1.Digest.Length} bytes)");
        return pieceCidV1.Digest.ToArray();
    }

    /// <summary>Root of an all-zero tree of 32 &lt;&lt; <paramref name="height"/> bytes (height 0..58).</summary>
    public static byte[] ZeroCommitment(int height) => ZeroComm.Level(height).ToArray();

    /// <summary>
    /// Folds a v1 piece CID of a <paramref name="fromPaddedSize"/> piece up to a <paramref name="toPaddedSize"/> piece
    /// whose remainder is zeros (go-fil-commp-hashhash <c>PadCommP</c>). Both sizes are powers of two, 128 B .. 64 GiB.
    /// </summary>
    public static Cid PadPieceCid(Cid pieceCidV1, ulong fromPaddedSize, ulong toPaddedSize)
    {
        var comm = FromPieceCidV1(pieceCidV1);
        CheckPaddedSize(fromPaddedSize, nameof(fromPaddedSize));
        CheckPaddedSize(toPaddedSize, nameof(toPaddedSize));
        if (toPaddedSize < fromPaddedSize)
            throw new ArgumentOutOfRangeException(nameof(toPaddedSize), toPaddedSize, $"target padded size must be at least the source size {fromPaddedSize}");
        int from = BitOperations.Log2(fromPaddedSize) - 5, to = BitOperations.Log2(toPaddedSize) - 5;
        for (int l = from; l < to; l++) NodeHasher.Managed.HashPair(comm, ZeroComm.Level(l), comm);
        return ToPieceCidV1(comm);
    }

    /// <summary>Tree height and payload-level padding of a <paramref name="payloadSize"/>-byte payload (go-fil-commcid <c>PayloadSizeToV1TreeHeightAndPadding</c>, at least height 2).</summary>
    public static (int Height, ulong Padding) HeightAndPadding(ulong payloadSize)
    {
        if (payloadSize > CommPHasher.MaxPayloadSize)
            throw new ArgumentOutOfRangeException(nameof(payloadSize), payloadSize, $"the largest piece payload is {CommPHasher.MaxPayloadSize} bytes (64 GiB padded)");
        ulong quads = Math.Max(1, (payloadSize + 126) / 127);
        int height = HeightForLeaves(quads * 4);
        return (height, (32UL << height) / 128 * 127 - payloadSize);
    }

    internal static int HeightForLeaves(ulong leaves) =>
        Math.Max(MinHeight, BitOperations.Log2(BitOperations.RoundUpToPowerOf2(leaves)));

    internal static PieceInfo MakeInfo(byte[] root, ulong payload, int height)
    {
        ulong padded = 32UL << height;
        ulong padding = padded / 128 * 127 - payload;
        return new PieceInfo(ToPieceCidV1(root), ToPieceCidV2(root, height, padding), payload, padded, height, padding, root);
    }

    private static void CheckCommP(ReadOnlySpan<byte> commP, string name)
    {
        if (commP.Length != 32) throw new ArgumentException($"a commP is 32 bytes, got {commP.Length}", name);
        if ((commP[31] & 0xC0) != 0) throw new ArgumentException($"not a trunc254 commitment: byte 31 is 0x{commP[31]:x2} (top two bits must be clear)", name);
    }

    private static void CheckPaddedSize(ulong size, string name)
    {
        if (size < MinPaddedSize || size > CommPHasher.MaxPaddedSize || !BitOperations.IsPow2(size))
            throw new ArgumentOutOfRangeException(name, size, $"padded piece size must be a power of two from {MinPaddedSize} to {CommPHasher.MaxPaddedSize}");
    }
}
