using FilFil.Core.Ipld;

namespace FilFil.Core.Car;

/// <summary>
/// One CAR section as read: the binary CID and the block bytes. Both views point into the reader's buffer and are
/// valid only until the next read; copy what you keep.
/// </summary>
public readonly struct CarBlock
{
    internal CarBlock(ReadOnlyMemory<byte> cid, ReadOnlyMemory<byte> data, long offset, Cid.Parts parts)
    {
        CidBytes = cid;
        Data = data;
        Offset = offset;
        Parts = parts;
    }

    public ReadOnlyMemory<byte> CidBytes { get; }
    public ReadOnlyMemory<byte> Data { get; }
    /// <summary>Offset of the section's length varint in the CARv1 payload.</summary>
    public long Offset { get; }
    public Cid.Parts Parts { get; }
    public ulong Codec => Parts.Codec;
    public ulong HashCode => Parts.HashCode;
    public ReadOnlySpan<byte> Digest => CidBytes.Span.Slice(Parts.DigestOffset, Parts.DigestLength);

    /// <summary>Allocates a <see cref="Ipld.Cid"/> for this block.</summary>
    public Cid Cid => Cid.FromTrusted(CidBytes.ToArray());

    /// <summary>True if the block's bytes hash to its CID; false on mismatch; throws for hash functions we cannot compute.</summary>
    public bool VerifyHash() => Hashing.Verify(Parts.HashCode, Digest, Data.Span);
}
