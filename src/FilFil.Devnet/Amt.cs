using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>
/// Builds the AMT v0 that Lotus uses for message and receipt lists (go-amt-ipld v0 / specs-actors v0 adt,
/// read by lotus chain/store/messages.go): width 8, root <c>[height, count, node]</c>, node
/// <c>[bitmap bytes (1 byte, bit i = slot i, LSB first), [links], [values]]</c>; interior nodes are separate blocks.
/// </summary>
internal static class Amt
{
    public const int Width = 8;

    /// <summary>The empty AMT root <c>[0, 0, [h'00', [], []]]</c>, as in the genesis header.</summary>
    public static byte[] EmptyRoot { get; } = Build(Array.Empty<byte[]>(), null, out _);

    /// <summary>Encodes the values (each one CBOR item) into AMT blocks; returns the root CID.</summary>
    public static Cid Build(IReadOnlyList<byte[]> values, IBlockSink sink)
    {
        var root = Build(values, sink, out _);
        return sink.PutCbor(root);
    }

    private static byte[] Build(IReadOnlyList<byte[]> values, IBlockSink? sink, out int height)
    {
        int n = values.Count;
        height = 0;
        long span = Width;
        while (span < n) { span *= Width; height++; }
        var w = new CborWriter(64 + n * 48);
        w.WriteArray(3).WriteUInt((ulong)height).WriteUInt((ulong)n);
        WriteNode(w, values, 0, height, sink);
        return w.ToArray();
    }

    private static void WriteNode(CborWriter w, IReadOnlyList<byte[]> values, long start, int height, IBlockSink? sink)
    {
        if (height == 0)
        {
            int count = (int)Math.Clamp(values.Count - start, 0, Width);
            byte bmap = (byte)((1 << count) - 1);
            w.WriteArray(3).WriteBytes(new[] { bmap }).WriteArray(0).WriteArray(count);
            for (int i = 0; i < count; i++) w.WriteRaw(values[(int)start + i]);
            return;
        }
        long childSpan = 1;
        for (int i = 0; i < height; i++) childSpan *= Width;
        var links = new List<Cid>();
        byte bm = 0;
        for (int i = 0; i < Width; i++)
        {
            long s = start + i * childSpan;
            if (s >= values.Count) break;
            var cw = new CborWriter(64 + (int)Math.Min(childSpan, 512) * 48);
            WriteNode(cw, values, s, height - 1, sink);
            var bytes = cw.ToArray();
            var cid = sink is null ? Cid.Hash(bytes) : sink.PutCbor(bytes);
            links.Add(cid);
            bm |= (byte)(1 << i);
        }
        w.WriteArray(3).WriteBytes(new[] { bm }).WriteArray(links.Count);
        foreach (var l in links) w.WriteCid(l);
        w.WriteArray(0);
    }

    /// <summary>Reads every value of an AMT v0 (raw CBOR items) from a block source, in index order.</summary>
    public static List<byte[]> Read(Cid root, Func<Cid, byte[]?> get)
    {
        var data = get(root) ?? throw new KeyNotFoundException($"AMT root {root} not found");
        var r = new CborReader(data, 0, "AMT root");
        r.ReadArrayHeader(3, "AMT root");
        int height = (int)r.ReadUInt64();
        ulong count = r.ReadUInt64();
        var outList = new List<byte[]>();
        int nodeStart = r.Position;
        ReadNode(data.AsSpan(nodeStart), height, get, outList);
        if ((ulong)outList.Count != count) throw new FilFil.Core.FilFilFormatException("AMT", 0, $"{count} values", $"{outList.Count}");
        return outList;
    }

    private static void ReadNode(ReadOnlySpan<byte> node, int height, Func<Cid, byte[]?> get, List<byte[]> outList)
    {
        var r = new CborReader(node, 0, "AMT node");
        r.ReadArrayHeader(3, "AMT node");
        r.ReadBytes();
        int nl = r.ReadArrayHeader();
        var links = new Cid[nl];
        for (int i = 0; i < nl; i++) links[i] = r.ReadCid();
        int nv = r.ReadArrayHeader();
        for (int i = 0; i < nv; i++)
        {
            int s = r.Position;
            r.SkipItem();
            outList.Add(node[s..r.Position].ToArray());
        }
        if (height > 0)
        {
            foreach (var l in links)
            {
                var child = get(l) ?? throw new KeyNotFoundException($"AMT node {l} not found");
                ReadNode(child, height - 1, get, outList);
            }
        }
    }
}
