namespace FilFil.Core.Ipld;

/// <summary>
/// A fast path for the CIDs Filecoin uses (v1, one-byte codec, blake2b-256 or one-byte hash code, 32-byte digest),
/// falling back to <see cref="Cid.ReadPrefix"/> for anything else. The span must hold exactly one CID.
/// </summary>
internal static class CidPrefix
{
    public static void Read(ReadOnlySpan<byte> cid, out ulong codec, out ulong hashCode, out int digestOffset)
    {
        if (cid.Length == 38 && cid[0] == 1 && cid[1] < 0x80 && cid[2] == 0xa0 && cid[3] == 0xe4 && cid[4] == 0x02 && cid[5] == 0x20)
        {
            codec = cid[1];
            hashCode = Multicodec.Blake2b256;
            digestOffset = 6;
            return;
        }
        var p = Cid.ReadPrefix(cid, 0);
        codec = p.Codec;
        hashCode = p.HashCode;
        digestOffset = p.DigestOffset;
    }
}
