using System.Numerics;
using FilFil.Core.Ipld;

namespace FilFil.Core.Chain;

/// <summary>
/// A Filecoin block header in Lotus's 16-field CBOR layout (chain/types/blockheader.go), decoded strictly:
/// every field's type is checked and nothing may follow the array.
/// </summary>
public sealed class BlockHeader
{
    public required byte[] Miner { get; init; }
    public Ticket? Ticket { get; init; }
    public ElectionProof? ElectionProof { get; init; }
    public IReadOnlyList<BeaconEntry> BeaconEntries { get; init; } = Array.Empty<BeaconEntry>();
    public IReadOnlyList<PoStProof> WinPoStProof { get; init; } = Array.Empty<PoStProof>();
    public required IReadOnlyList<Cid> Parents { get; init; }
    public BigInteger ParentWeight { get; init; }
    public long Height { get; init; }
    public Cid ParentStateRoot { get; init; }
    public Cid ParentMessageReceipts { get; init; }
    public Cid Messages { get; init; }
    public Signature? BLSAggregate { get; init; }
    public ulong Timestamp { get; init; }
    public Signature? BlockSig { get; init; }
    public ulong ForkSignaling { get; init; }
    public BigInteger ParentBaseFee { get; init; }

    /// <summary>The miner address in Lotus's text form (mainnet prefix 'f').</summary>
    public string MinerAddress => Address.ToString(Miner);

    public static BlockHeader Decode(ReadOnlySpan<byte> data, long baseOffset = 0)
    {
        var r = new CborReader(data, baseOffset, "BlockHeader");
        r.ReadArrayHeader(16, "a block header");
        var miner = r.ReadBytes().ToArray();
        Address.Validate(miner, baseOffset + r.Position);

        Ticket? ticket = null;
        if (!r.TryReadNull())
        {
            r.ReadArrayHeader(1, "Ticket");
            ticket = new Ticket(r.ReadBytes().ToArray());
        }
        ElectionProof? ep = null;
        if (!r.TryReadNull())
        {
            r.ReadArrayHeader(2, "ElectionProof");
            ep = new ElectionProof(r.ReadInt64(), r.ReadBytes().ToArray());
        }
        int nb = r.ReadArrayHeader();
        var beacons = new BeaconEntry[nb];
        for (int i = 0; i < nb; i++)
        {
            r.ReadArrayHeader(2, "BeaconEntry");
            beacons[i] = new BeaconEntry(r.ReadUInt64(), r.ReadBytes().ToArray());
        }
        int np = r.ReadArrayHeader();
        var posts = new PoStProof[np];
        for (int i = 0; i < np; i++)
        {
            r.ReadArrayHeader(2, "PoStProof");
            posts[i] = new PoStProof(r.ReadInt64(), r.ReadBytes().ToArray());
        }
        int npar = r.ReadArrayHeader();
        var parents = new Cid[npar];
        for (int i = 0; i < npar; i++) parents[i] = r.ReadCid();
        int wAt = r.Position;
        var weight = BigIntBytes.Decode(r.ReadBytes(), baseOffset + wAt);
        long height = r.ReadInt64();
        var stateRoot = r.ReadCid();
        var receipts = r.ReadCid();
        var messages = r.ReadCid();
        Signature? bls = null;
        if (!r.TryReadNull())
        {
            int at = r.Position;
            bls = Signature.FromBytes(r.ReadBytes(), baseOffset + at);
        }
        ulong ts = r.ReadUInt64();
        Signature? sig = null;
        if (!r.TryReadNull())
        {
            int at = r.Position;
            sig = Signature.FromBytes(r.ReadBytes(), baseOffset + at);
        }
        ulong fork = r.ReadUInt64();
        int fAt = r.Position;
        var baseFee = BigIntBytes.Decode(r.ReadBytes(), baseOffset + fAt);
        r.ExpectEnd();
        return new BlockHeader
        {
            Miner = miner, Ticket = ticket, ElectionProof = ep, BeaconEntries = beacons, WinPoStProof = posts,
            Parents = parents, ParentWeight = weight, Height = height, ParentStateRoot = stateRoot,
            ParentMessageReceipts = receipts, Messages = messages, BLSAggregate = bls, Timestamp = ts,
            BlockSig = sig, ForkSignaling = fork, ParentBaseFee = baseFee,
        };
    }

    /// <summary>Encodes exactly as cbor-gen does, so <c>Cid.Hash(Encode())</c> is the block's CID.</summary>
    public byte[] Encode()
    {
        var w = new CborWriter(512);
        w.WriteArray(16);
        w.WriteBytes(Miner);
        if (Ticket is null) w.WriteNull(); else w.WriteArray(1).WriteBytes(Ticket.VRFProof);
        if (ElectionProof is null) w.WriteNull(); else w.WriteArray(2).WriteInt(ElectionProof.WinCount).WriteBytes(ElectionProof.VRFProof);
        w.WriteArray(BeaconEntries.Count);
        foreach (var b in BeaconEntries) w.WriteArray(2).WriteUInt(b.Round).WriteBytes(b.Data);
        w.WriteArray(WinPoStProof.Count);
        foreach (var p in WinPoStProof) w.WriteArray(2).WriteInt(p.PoStProofType).WriteBytes(p.ProofBytes);
        w.WriteArray(Parents.Count);
        foreach (var c in Parents) w.WriteCid(c);
        w.WriteBigInt(ParentWeight);
        w.WriteInt(Height);
        w.WriteCid(ParentStateRoot);
        w.WriteCid(ParentMessageReceipts);
        w.WriteCid(Messages);
        if (BLSAggregate is null) w.WriteNull(); else w.WriteBytes(BLSAggregate.ToBytes());
        w.WriteUInt(Timestamp);
        if (BlockSig is null) w.WriteNull(); else w.WriteBytes(BlockSig.ToBytes());
        w.WriteUInt(ForkSignaling);
        w.WriteBigInt(ParentBaseFee);
        return w.ToArray();
    }

    public Cid ComputeCid() => Cid.Hash(Encode());
}
