using System.Globalization;
using FilFil.Core.Ipld;

namespace FilFil.Core.Car;

/// <summary>
/// FRC-0108 v2 snapshot metadata (Lotus chain/store SnapshotMetadata): the single CAR root, a DAG-CBOR map
/// {F3Data: CID|null, Version: 2, HeadTipsetKey: [CID]} written first, then the optional F3 data block.
/// </summary>
public sealed record SnapshotMetadata(IReadOnlyList<Cid> HeadTipsetKey, Cid? F3Data)
{
    public const ulong Version = 2;

    public byte[] Encode()
    {
        // cbor-gen map: keys ordered by length then bytes (F3Data, Version, HeadTipsetKey).
        var w = new CborWriter();
        w.WriteMap(3);
        w.WriteText("F3Data");
        if (F3Data is { } f) w.WriteCid(f); else w.WriteNull();
        w.WriteText("Version").WriteUInt(Version);
        w.WriteText("HeadTipsetKey").WriteArray(HeadTipsetKey.Count);
        foreach (var c in HeadTipsetKey) w.WriteCid(c);
        return w.ToArray();
    }

    public Cid ComputeCid(byte[]? encoded = null) => Cid.Hash(encoded ?? Encode());

    /// <summary>Decodes a metadata block; null if the block is not a v2 metadata map (e.g. a block header).</summary>
    public static SnapshotMetadata? TryDecode(ReadOnlySpan<byte> data, long offset = 0)
    {
        if (data.Length == 0 || (data[0] >> 5) != (int)CborMajor.Map) return null;
        var r = new CborReader(data, offset, "SnapshotMetadata");
        int n = r.ReadMapHeader();
        ulong? version = null;
        Cid? f3 = null;
        List<Cid>? head = null;
        for (int i = 0; i < n; i++)
        {
            switch (r.ReadText())
            {
                case "F3Data":
                    if (!r.TryReadNull()) f3 = r.ReadCid();
                    break;
                case "Version":
                    version = r.ReadUInt64();
                    break;
                case "HeadTipsetKey":
                    int k = r.ReadArrayHeader();
                    head = new List<Cid>(k);
                    for (int j = 0; j < k; j++) head.Add(r.ReadCid());
                    break;
                default:
                    r.SkipItem();
                    break;
            }
        }
        r.ExpectEnd();
        if (version is null || head is null) return null;
        if (version != Version) throw new FilFilFormatException("SnapshotMetadata", offset, "Version 2", version.Value.ToString(CultureInfo.InvariantCulture));
        if (head.Count == 0) throw new FilFilFormatException("SnapshotMetadata", offset, "a non-empty HeadTipsetKey", "an empty one");
        return new SnapshotMetadata(head, f3);
    }
}
