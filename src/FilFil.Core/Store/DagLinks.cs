using FilFil.Core.Ipld;

namespace FilFil.Core.Store;

/// <summary>
/// Which links of a block are DAG edges, as Lotus's snapshot walk sees them: only DAG-CBOR blocks are scanned
/// (tag 42, document order); identity-hash links are never stored (a DAG-CBOR identity link is looked through:
/// its inline bytes are scanned in its place); links whose codec is not cbor (0x51), dag-cbor (0x71) or raw (0x55),
/// such as fil-commitment sector CIDs, are not blocks and are skipped.
/// </summary>
internal static class DagLinks
{
    private const int MaxIdentityNesting = 8;

    /// <summary>True for the codecs a snapshot holds as blocks: cbor, dag-cbor and raw.</summary>
    public static bool IsBlockCodec(ulong codec) => codec is Multicodec.Cbor or Multicodec.DagCbor or Multicodec.Raw;

    /// <summary>True if <paramref name="cid"/> names a block the store would hold (non-identity, block codec).</summary>
    public static bool IsStorable(ReadOnlySpan<byte> cid)
    {
        CidPrefix.Read(cid, out ulong codec, out ulong hash, out _);
        return hash != Multicodec.Identity && IsBlockCodec(codec);
    }

    /// <summary>True if the block behind <paramref name="cid"/> is scanned for links (DAG-CBOR).</summary>
    public static bool IsScanned(ReadOnlySpan<byte> cid)
    {
        CidPrefix.Read(cid, out ulong codec, out _, out _);
        return codec == Multicodec.DagCbor;
    }

    /// <summary>Appends the storable children of the block (<paramref name="cid"/>, <paramref name="data"/>) to <paramref name="into"/>.</summary>
    internal static void AddChildren<TInto>(ReadOnlySpan<byte> cid, ReadOnlySpan<byte> data, TInto into) where TInto : class, ILinkVisitor
    {
        if (!IsScanned(cid)) return;
        var v = new FilterVisitor<TInto>(into, 0);
        CborLinks.Scan(data, ref v);
    }

    /// <summary>Collects the storable children (allocates; tests and tools).</summary>
    public static List<Cid> Children(Cid cid, ReadOnlySpan<byte> data)
    {
        var list = new CidList();
        AddChildren(cid.Bytes, data, list);
        var r = new List<Cid>(list.Count);
        int pos = 0;
        for (int i = 0; i < list.Count; i++) r.Add(Cid.FromBytes(list.Read(ref pos)));
        return r;
    }

    private struct FilterVisitor<TInto> : ILinkVisitor where TInto : class, ILinkVisitor
    {
        private readonly TInto _into;
        private readonly int _nesting;

        public FilterVisitor(TInto into, int nesting)
        {
            _into = into;
            _nesting = nesting;
        }

        public void Visit(ReadOnlySpan<byte> cid)
        {
            CidPrefix.Read(cid, out ulong codec, out ulong hash, out _);
            if (hash == Multicodec.Identity)
            {
                var p = Cid.ReadPrefix(cid, 0);
                if (p.Codec != Multicodec.DagCbor) return;
                if (_nesting >= MaxIdentityNesting)
                    throw new FilFilFormatException("DAG-CBOR", 0, $"identity links nested at most {MaxIdentityNesting} deep", "deeper nesting");
                var inner = new FilterVisitor<TInto>(_into, _nesting + 1);
                CborLinks.Scan(cid.Slice(p.DigestOffset, p.DigestLength), ref inner);
                return;
            }
            if (IsBlockCodec(codec)) _into.Visit(cid);
        }
    }
}
