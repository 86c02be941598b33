using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Chain;

/// <summary>
/// A tipset: its block CIDs (in the order given, which for Lotus is canonical), their raw headers and the
/// fields a walk needs. Every raw header is checked to hash to its CID; all share height and parents.
/// </summary>
public sealed class TipSet
{
    public TipSet(IReadOnlyList<Cid> cids, IReadOnlyList<byte[]> rawHeaders)
    {
        if (cids.Count == 0) throw new ArgumentException("a tipset needs at least one block", nameof(cids));
        if (cids.Count != rawHeaders.Count) throw new ArgumentException($"{cids.Count} CIDs but {rawHeaders.Count} headers", nameof(rawHeaders));
        var headers = new HeaderLinks[cids.Count];
        for (int i = 0; i < cids.Count; i++)
        {
            if (!cids[i].Verify(rawHeaders[i]) || cids[i].Codec != Multicodec.DagCbor)
                throw new FilFilFormatException("TipSet", 0, $"a DAG-CBOR header that hashes to {cids[i]}", "other bytes");
            headers[i] = HeaderLinks.Read(rawHeaders[i]);
            if (i > 0 && (headers[i].Height != headers[0].Height || !headers[i].Parents.SequenceEqual(headers[0].Parents)))
                throw new FilFilFormatException("TipSet", 0, $"blocks of one height and parent set (block 0 at {headers[0].Height})", $"block {cids[i]} at {headers[i].Height}");
        }
        Cids = cids.ToArray();
        RawHeaders = rawHeaders.ToArray();
        Headers = headers;
    }

    /// <summary>Builds a tipset from decoded headers (encoded byte-exactly, CIDs computed).</summary>
    public static TipSet FromHeaders(IReadOnlyList<BlockHeader> blocks, IReadOnlyList<Cid>? cids = null)
    {
        var raw = blocks.Select(b => b.Encode()).ToArray();
        var c = cids ?? raw.Select(r => Cid.Hash(r)).ToArray();
        return new TipSet(c, raw);
    }

    /// <summary>Loads a tipset's headers from a store (they must be present).</summary>
    internal static TipSet Load(BlockStore store, IReadOnlyList<Cid> key)
    {
        var raw = new byte[key.Count][];
        for (int i = 0; i < key.Count; i++)
            raw[i] = store.GetCopy(key[i].Bytes) ?? throw new BlockUnavailableException(key[i], "block header not in the store");
        return new TipSet(key, raw);
    }

    public IReadOnlyList<Cid> Cids { get; }
    public IReadOnlyList<byte[]> RawHeaders { get; }
    public IReadOnlyList<HeaderLinks> Headers { get; }
    public long Height => Headers[0].Height;
    public IReadOnlyList<Cid> Parents => Headers[0].Parents;

    public bool KeyEquals(IReadOnlyList<Cid> key) => key.Count == Cids.Count && Cids.SequenceEqual(key);

    public override string ToString() => $"{Height}:{{{string.Join(",", Cids)}}}";
}
