namespace FilFil.Core.Ipld;

/// <summary>
/// Finds every DAG-CBOR link (tag 42) in a block, in document order, without allocating per link, as Lotus's
/// cbor-gen <c>ScanForLinks</c> does. The block must be exactly one well-formed item of strict DAG-CBOR
/// (<see cref="CborReader"/>): the scan is where every DAG-CBOR block fetched or imported is checked.
/// </summary>
public static class CborLinks
{
    public const int MaxDepth = 256;

    public static void Scan<TVisitor>(ReadOnlySpan<byte> block, ref TVisitor visitor, long baseOffset = 0)
        where TVisitor : ILinkVisitor
    {
        int visited = 0;
        if (TryScanFast(block, ref visitor, baseOffset, ref visited)) return;
        // The fast scanner stopped at something it does not accept (malformed input, as a rule): the checked
        // scanner runs from the start, passes on only the links the fast one had not yet delivered, and throws the
        // precise error.
        var rest = new SkipVisitor<TVisitor>(visitor, visited);
        ScanChecked(block, ref rest, baseOffset);
        visitor = rest.Inner;
    }

    /// <summary>
    /// The scan over raw pointers with no error text on the hot path. Returns false, having visited the links
    /// before that point, at the first thing the checked scanner must judge: truncation, indefinite lengths,
    /// reserved additional information, an argument not in its shortest form, a tag other than 42 or a tag 42
    /// without a well-formed CID, a simple value other than false/true/null (floats), a map of two or more entries
    /// (duplicate keys) or with a key that is not text, excess nesting, trailing bytes.
    /// A CID that <see cref="Cid.ReadPrefix"/> rejects throws the same error the checked scanner would.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static unsafe bool TryScanFast<TVisitor>(ReadOnlySpan<byte> block, ref TVisitor visitor, long baseOffset, ref int visited)
        where TVisitor : ILinkVisitor
    {
        long* stack = stackalloc long[MaxDepth];
        fixed (byte* b = block)
        {
            int len = block.Length, pos = 0, depth = 0;
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
                if (pos >= len) return false;
                int ib = b[pos++];
                int info = ib & 31;
                ulong a;
                if (info < 24) a = (ulong)info;
                else if (info == 24)
                {
                    if (pos >= len) return false;
                    a = b[pos++];
                    if (a < 24) return false; // not the shortest form (or a one-byte simple value)
                }
                else if (info == 25)
                {
                    if (len - pos < 2) return false;
                    a = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(*(ushort*)(b + pos));
                    pos += 2;
                    if (a <= byte.MaxValue) return false;
                }
                else if (info == 26)
                {
                    if (len - pos < 4) return false;
                    a = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(*(uint*)(b + pos));
                    pos += 4;
                    if (a <= ushort.MaxValue) return false;
                }
                else if (info == 27)
                {
                    if (len - pos < 8) return false;
                    a = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(*(ulong*)(b + pos));
                    pos += 8;
                    if (a <= uint.MaxValue) return false;
                }
                else return false;
                switch (ib >> 5)
                {
                    case 2:
                    case 3:
                        if (a > (ulong)(len - pos)) return false;
                        pos += (int)a;
                        break;
                    case 4:
                    case 5:
                        {
                            ulong items = (ib >> 5) == 5 ? a * 2 : a;
                            if (a > (ulong)(len - pos) || items > (ulong)(len - pos)) return false;
                            if (items == 0) break;
                            // map keys: one text key passes; two or more go to the checked scanner (duplicates)
                            if ((ib >> 5) == 5 && (a > 1 || b[pos] >> 5 != 3)) return false;
                            if (depth == MaxDepth) return false;
                            stack[depth++] = remaining;
                            remaining = (long)items;
                            break;
                        }
                    case 6:
                        if (a != CborReader.CidTag) return false;
                        // the Filecoin shape first: bytes(39) 00 | 01 codec a0 e4 02 20 | 32-byte digest
                        if (len - pos >= 41 && b[pos] == 0x58 && b[pos + 1] == 39 && b[pos + 2] == 0 && b[pos + 3] == 1
                            && b[pos + 4] < 0x80 && b[pos + 5] == 0xa0 && b[pos + 6] == 0xe4 && b[pos + 7] == 0x02 && b[pos + 8] == 0x20)
                        {
                            visitor.Visit(new ReadOnlySpan<byte>(b + pos + 3, 38));
                            visited++;
                            pos += 41;
                            break;
                        }
                        {
                            // any other CID: a definite byte string, 0x00, then a CID filling it
                            if (pos >= len) return false;
                            int bib = b[pos];
                            if (bib >> 5 != 2) return false;
                            int binfo = bib & 31, hdr;
                            ulong clen;
                            if (binfo < 24) { clen = (ulong)binfo; hdr = 1; }
                            else if (binfo == 24 && len - pos >= 2) { clen = b[pos + 1]; hdr = 2; }
                            else if (binfo == 25 && len - pos >= 3) { clen = (ulong)(b[pos + 1] << 8 | b[pos + 2]); hdr = 3; }
                            else return false;
                            if (hdr == 2 && clen < 24 || hdr == 3 && clen <= byte.MaxValue) return false; // not the shortest form
                            int start = pos + hdr;
                            if (clen == 0 || clen > (ulong)(len - start) || b[start] != 0) return false;
                            var cid = new ReadOnlySpan<byte>(b + start + 1, (int)clen - 1);
                            var p = Cid.ReadPrefix(cid, baseOffset + start + 1);
                            if (p.Length != cid.Length) return false;
                            visitor.Visit(cid);
                            visited++;
                            pos = start + (int)clen;
                            break;
                        }
                    case 7:
                        if (ib is < 0xf4 or > 0xf6) return false; // false, true, null; floats go to the checked scanner
                        break;
                }
            }
            return pos == len;
        }
    }

    /// <summary>Passes on the links after the first <c>skip</c> (those the fast scanner already delivered).</summary>
    private struct SkipVisitor<TVisitor> : ILinkVisitor where TVisitor : ILinkVisitor
    {
        public TVisitor Inner;
        private int _skip;

        public SkipVisitor(TVisitor inner, int skip)
        {
            Inner = inner;
            _skip = skip;
        }

        public void Visit(ReadOnlySpan<byte> cid)
        {
            if (_skip > 0) _skip--;
            else Inner.Visit(cid);
        }
    }

    [System.Runtime.CompilerServices.SkipLocalsInit] // the 2 KiB depth stack is written before it is read: no memset per block
    internal static void ScanChecked<TVisitor>(ReadOnlySpan<byte> block, ref TVisitor visitor, long baseOffset)
        where TVisitor : ILinkVisitor
    {
        var r = new CborReader(block, baseOffset, "DAG-CBOR");
        Span<long> stack = stackalloc long[MaxDepth];
        Span<ulong> isMap = stackalloc ulong[MaxDepth / 64]; // per level: a map (its odd items are keys)
        HashSet<string>?[]? keys = null; // per level: the keys seen, for maps of two or more entries
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
            if (depth > 0 && (isMap[(depth - 1) >> 6] >> ((depth - 1) & 63) & 1) != 0 && (remaining & 1) == 1)
            {
                ReadMapKey(ref r, block, keys?[depth - 1], at);
                continue;
            }
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
                        ulong bit = 1UL << (depth & 63);
                        if (m == CborMajor.Map) isMap[depth >> 6] |= bit;
                        else isMap[depth >> 6] &= ~bit;
                        if (m == CborMajor.Map && a > 1) (keys ??= new HashSet<string>?[MaxDepth])[depth] = new HashSet<string>(StringComparer.Ordinal);
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
                        throw r.Error("tag 42 (the only tag in DAG-CBOR)", $"tag {a.ToString(System.Globalization.CultureInfo.InvariantCulture)}", at);
                    }
                    break;
            }
        }
        r.ExpectEnd();
    }

    /// <summary>Reads a map key: a text string not in <paramref name="seen"/> (null: a map of one entry).</summary>
    private static void ReadMapKey(ref CborReader r, ReadOnlySpan<byte> block, HashSet<string>? seen, int at)
    {
        if (r.PeekMajor() != CborMajor.Text) throw r.Error("a text string map key (DAG-CBOR)", $"major type {r.PeekMajor()}", at);
        r.ReadHeader(out ulong n);
        if (n > (ulong)r.Remaining) throw r.Error($"{n} bytes of string payload", $"{r.Remaining} bytes left");
        int start = r.Position;
        r.Skip((int)n);
        if (seen is null) return;
        // compared as bytes (Latin-1 maps each byte to one char): UTF-8 validity is not checked, as for other strings
        var bytes = block.Slice(start, (int)n);
        if (!seen.Add(System.Text.Encoding.Latin1.GetString(bytes)))
            throw r.Error("map keys without duplicates (DAG-CBOR)", $"the key \"{System.Text.Encoding.UTF8.GetString(bytes)}\" a second time", at);
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
