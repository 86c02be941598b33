using System.Globalization;
using FilFil.Core.Ipld;

namespace FilFil.Core.Chain;

/// <summary>The block-header fields a snapshot walk needs, read from the raw header without a full decode.</summary>
public sealed record HeaderLinks(IReadOnlyList<Cid> Parents, long Height, Cid ParentStateRoot, Cid ParentMessageReceipts, Cid Messages)
{
    /// <summary>
    /// Reads a header fetched from a node, which must decode in full as a block header (<see cref="BlockHeader.Decode"/>);
    /// otherwise it is a <see cref="Store.BlockUnavailableException"/> naming <paramref name="cid"/>
    /// (<see cref="Store.BlockProblem.Undecodable"/>): a node can announce a CID whose bytes hash right but are no
    /// header, such as a message's, or are not DAG-CBOR at all.
    /// </summary>
    public static HeaderLinks ReadFetched(Cid cid, ReadOnlySpan<byte> header)
    {
        try
        {
            BlockHeader.Decode(header);
            return Read(header);
        }
        catch (FilFilFormatException e)
        {
            throw Store.BlockUnavailableException.NotDecodable(cid, "a block header", e);
        }
    }

    /// <summary>Reads fields 5 (Parents), 7 (Height), 8, 9 and 10 of a 16-field block header.</summary>
    public static HeaderLinks Read(ReadOnlySpan<byte> header, long offset = 0)
    {
        var r = new CborReader(header, offset, "BlockHeader");
        r.ReadArrayHeader(16, "a block header");
        for (int i = 0; i < 5; i++) r.SkipItem();
        int np = r.ReadArrayHeader();
        var parents = new Cid[np];
        for (int i = 0; i < np; i++) parents[i] = r.ReadCid();
        r.SkipItem();
        long height = r.ReadInt64();
        if (height < 0) throw new FilFilFormatException("BlockHeader", offset, "a height of 0 or more", height.ToString(CultureInfo.InvariantCulture));
        var state = r.ReadCid();
        var receipts = r.ReadCid();
        var msgs = r.ReadCid();
        return new HeaderLinks(parents, height, state, receipts, msgs);
    }
}
