using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.TestPeers;

/// <summary>
/// A market DealProposal (builtin-actors deal.rs, cbor tuple of 11: piece_cid, piece_size, verified_deal, client,
/// provider, label, start_epoch, end_epoch, storage_price_per_epoch, provider_collateral, client_collateral), kept as
/// the raw CBOR of each field so it can be re-encoded with another provider exactly as go-state-types would.
/// </summary>
public sealed class DealProposal
{
    private readonly byte[][] _fields;

    private DealProposal(byte[][] fields) => _fields = fields;

    public static DealProposal Parse(ReadOnlySpan<byte> cbor)
    {
        var r = new CborReader(cbor, 0, "DealProposal");
        r.ReadArrayHeader(11, "DealProposal");
        var fields = new byte[11][];
        for (int i = 0; i < 11; i++)
        {
            int start = r.Position;
            r.SkipItem();
            fields[i] = cbor[start..r.Position].ToArray();
        }
        r.ExpectEnd();
        var p = new DealProposal(fields);
        _ = p.PieceCid; // validate the fields the peers use
        _ = p.PieceSize;
        _ = p.Label;
        return p;
    }

    public Cid PieceCid => new CborReader(_fields[0]).ReadCid();
    public ulong PieceSize => new CborReader(_fields[1]).ReadUInt64();
    public bool VerifiedDeal => new CborReader(_fields[2]).ReadBool();
    public FilecoinAddress Client => FilecoinAddress.FromBytes(new CborReader(_fields[3]).ReadBytes());
    public FilecoinAddress Provider => FilecoinAddress.FromBytes(new CborReader(_fields[4]).ReadBytes());
    /// <summary>The label as text (the contract's is the piece CID string; Boost parses it as DealDataRoot).</summary>
    public string Label => new CborReader(_fields[5]).ReadText();
    public long StartEpoch => new CborReader(_fields[6]).ReadInt64();
    public long EndEpoch => new CborReader(_fields[7]).ReadInt64();

    /// <summary>The same proposal with <paramref name="provider"/> (Boost and Curio put their own miner there).</summary>
    public DealProposal WithProvider(FilecoinAddress provider)
    {
        var fields = (byte[][])_fields.Clone();
        fields[4] = new CborWriter(32).WriteBytes(provider.Bytes).ToArray();
        return new DealProposal(fields);
    }

    public byte[] ToCbor()
    {
        var w = new CborWriter(512);
        w.WriteArray(11);
        foreach (var f in _fields) w.WriteRaw(f);
        return w.ToArray();
    }

    /// <summary>Writes the proposal into a CBOR stream being built.</summary>
    public void WriteTo(CborWriter w) => w.WriteRaw(ToCbor());
}

/// <summary>Boost's ContractParamsVersion1 (storagemarket/types): tuple [LocationRef, CarSize, SkipIpniAnnounce, RemoveUnsealedCopy].</summary>
public sealed record ContractParamsV1(string LocationRef, ulong CarSize, bool SkipIpniAnnounce, bool RemoveUnsealedCopy)
{
    public static ContractParamsV1 Parse(ReadOnlySpan<byte> cbor)
    {
        var r = new CborReader(cbor, 0, "ContractParamsVersion1");
        r.ReadArrayHeader(4, "ContractParamsVersion1");
        var p = new ContractParamsV1(r.ReadText(), r.ReadUInt64(), r.ReadBool(), r.ReadBool());
        r.ExpectEnd();
        return p;
    }
}
