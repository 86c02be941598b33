namespace FilFil.Core.Ipld;

/// <summary>Receives each link a <see cref="CborLinks"/> scan finds, as the binary CID (valid only during the call).</summary>
public interface ILinkVisitor
{
    void Visit(ReadOnlySpan<byte> cid);
}

/// <summary>
/// Finds every DAG-CBOR link (tag 42) in a block, in document order, without allocating per link, as Lotus's
/// cbor-gen <c>ScanForLinks</c> does. The block must be exactly one well-formed, definite-length CBOR item.
/// </summary>
public static class CborLinks
{
    public const int MaxDepth = 256;

    [System.Runtime.CompilerServices.SkipLocalsInit] // the 2 KiB depth stack is written before it is read: no memset per block
    public static void Scan<TVisitor>(ReadOnlySpan<byte> block, ref TVisitor visitor, long baseOffset = 0)
        where TVisitor : ILinkVisitor
    {
        var r = new CborReader(block, baseOffset, "DAG-CBOR");
        Span<long> stack = stackalloc long[MaxDepth];
        int depth = 0;
        long remaining = 1;
        while (true)
        {
            if (remaining == 0)
            {
                if (depth == 0) break;
                remaining = stack[--depth];
                continue;
            }
            remaining--;
            int at = r.Position;
            var m = r.ReadHeader(out ulong a);
            switch (m)
            {
                case CborMajor.Bytes:
                case CborMajor.Text:
                    if (a > (ulong)r.Remaining) throw r.Error($"{a} bytes of string payload", $"{r.Remaining} bytes left");
                    r.Skip((int)a);
                    break;
                case CborMajor.Array:
                case CborMajor.Map:
                    {
                        ulong items = m == CborMajor.Map ? a * 2 : a;
                        if (a > (ulong)r.Remaining || items > (ulong)r.Remaining)
                            throw r.Error($"a {(m == CborMajor.Map ? "map" : "array")} of {a} entries", $"only {r.Remaining} bytes left", at);
                        if (items == 0) break;
                        if (depth == MaxDepth) throw r.Error($"nesting at most {MaxDepth} deep", "deeper nesting", at);
                        stack[depth++] = remaining;
                        remaining = (long)items;
                        break;
                    }
                case CborMajor.Tag:
                    if (a == CborReader.CidTag)
                    {
                        int bat = r.Position;
                        var bm = r.ReadHeader(out ulong len);
                        if (bm != CborMajor.Bytes) throw r.Error("a byte string after tag 42", $"major type {bm}", bat);
                        if (len > (ulong)r.Remaining) throw r.Error($"{len} bytes of CID", $"{r.Remaining} bytes left");
                        var cid = block.Slice(r.Position, (int)len);
                        if (cid.Length == 0 || cid[0] != 0) throw r.Error("a CID byte string starting with 0x00", cid.Length == 0 ? "an empty string" : $"0x{cid[0]:x2}", bat);
                        var p = Cid.ReadPrefix(cid[1..], baseOffset + r.Position + 1);
                        if (p.Length != cid.Length - 1) throw r.Error("a CID filling its byte string", $"{cid.Length - 1 - p.Length} trailing bytes", bat);
                        visitor.Visit(cid[1..]);
                        r.Skip((int)len);
                    }
                    else
                    {
                        remaining++; // the tagged item is part of this one
                    }
                    break;
            }
        }
        r.ExpectEnd();
    }

    /// <summary>Collects the links of a block (allocates; for tests and tools).</summary>
    public static List<Cid> Collect(ReadOnlySpan<byte> block)
    {
        var v = new Collector();
        Scan(block, ref v);
        return v.Links;
    }

    private struct Collector : ILinkVisitor
    {
        private List<Cid>? _links;
        public List<Cid> Links => _links ??= new List<Cid>();
        public void Visit(ReadOnlySpan<byte> cid) => Links.Add(Cid.FromTrusted(cid.ToArray()));
    }
}
