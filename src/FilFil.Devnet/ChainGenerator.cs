using System.Numerics;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>
/// Mines deterministic tipsets on top of the real genesis: headers in Lotus's 16-field layout, TxMeta
/// <c>[BlsAMT, SecpAMT]</c> message roots, receipts AMTs and the structurally shared state tree. Every choice is keyed by
/// (seed, height, fork), so a fork at the same height gets different tickets, miners and messages.
/// </summary>
internal sealed class ChainGenerator
{
    private readonly DevnetOptions _o;
    private readonly IBlockSink _sink, _receiptSink, _headerSink;
    private readonly ulong _genesisTime;

    public Genesis Genesis { get; }
    public StateTree State { get; }
    public DevnetTipSet GenesisTipSet { get; }

    /// <summary>Loads the genesis and builds the initial state tree (cancellable: see <see cref="StateTree"/>).</summary>
    public ChainGenerator(DevnetOptions o, IBlockSink sink, IBlockSink receiptSink, IBlockSink headerSink, CancellationToken cancellationToken = default)
    {
        o.Validate();
        _o = o;
        _sink = sink;
        _receiptSink = receiptSink;
        _headerSink = headerSink;
        Genesis = Genesis.Load(o.Network);
        foreach (var (cid, data) in Genesis.Blocks)
        {
            if (cid == Genesis.HeaderCid) headerSink.Put(cid, data); else sink.Put(cid, data);
        }
        _genesisTime = Genesis.Header.Timestamp;
        State = new StateTree(o, Genesis.Header.ParentStateRoot, sink, cancellationToken);
        var emptyReceipts = receiptSink.PutCbor(Amt.EmptyRoot);
        GenesisTipSet = new DevnetTipSet
        {
            Height = 0,
            Cids = new[] { Genesis.HeaderCid },
            Blocks = new[] { Genesis.Header },
            BlockBytes = new[] { Genesis.Blocks.First(b => b.Cid == Genesis.HeaderCid).Data },
            Weight = Genesis.Header.ParentWeight,
            StateAfter = State.Root,
            ReceiptsAfter = emptyReceipts,
            Messages = Array.Empty<(Cid, bool)>(),
            BaseFeeAfter = Genesis.Header.ParentBaseFee,
        };
    }

    /// <summary>How many blocks the tipset at (height, fork) has (the first draw of its random stream).</summary>
    public static int BlockCount(DevnetOptions o, long height, int fork) =>
        1 + Rng.For(o.Seed, "tipset", height, fork).Next(o.MaxBlocksPerTipSet);

    private sealed record MinedBlock(BlockHeader Header, byte[] Bytes, Cid Cid, byte[] TicketHash, List<(Cid Cid, byte[] From, ulong Nonce, bool Secp)> Msgs);

    /// <summary>Mines and executes the tipset at <paramref name="height"/> on <paramref name="parent"/>.</summary>
    public DevnetTipSet Mine(long height, int fork, DevnetTipSet parent, int minWinSum)
    {
        if (height <= parent.Height) throw new ArgumentOutOfRangeException(nameof(height), height, $"must be above the parent's height {parent.Height}");
        var trng = Rng.For(_o.Seed, "tipset", height, fork);
        int k = 1 + trng.Next(_o.MaxBlocksPerTipSet);
        var wins = new int[k];
        for (int b = 0; b < k; b++) wins[b] = 1 + trng.Next(3);
        int winSum = wins.Sum();
        if (winSum < minWinSum) { wins[0] += minWinSum - winSum; winSum = minWinSum; }
        ulong timestamp = _genesisTime + (ulong)height * (ulong)_o.BlockDelaySeconds;
        var beacon = new[] { new BeaconEntry(5_000_000UL + (ulong)height, Rng.For(_o.Seed, "beacon", height).Bytes(96)) };

        var blocks = new List<MinedBlock>(k);
        (Cid Cid, byte[] From, ulong Nonce)? sharedBls = null;
        for (int b = 0; b < k; b++)
        {
            long blockKey = (long)fork * 1000 + b;
            var brng = Rng.For(_o.Seed, "block", height, blockKey);
            var miner = Address.FromId(1000UL + (ulong)brng.Next(9000));
            var ticket = brng.Bytes(96);
            var vrf = brng.Bytes(96);
            var post = brng.Bytes(192);
            var msgs = new List<(Cid, byte[], ulong, bool)>();
            var blsVals = new List<byte[]>();
            var secpVals = new List<byte[]>();
            int m = _o.MessagesPerBlock, nbls = (m + 1) / 2;
            for (int j = 0; j < m; j++)
            {
                bool secp = j >= nbls;
                if (!secp && j == 0 && b > 0 && sharedBls is { } sh && brng.Chance(0.25))
                {
                    // the same message included by two miners, as happens on mainnet (Lotus keeps the first)
                    msgs.Add((sh.Cid, sh.From, sh.Nonce, false));
                    blsVals.Add(LinkBytes(sh.Cid));
                    continue;
                }
                var mrng = Rng.For(_o.Seed, "msg", height, blockKey * 100_000 + j);
                int sender = b * m + j;
                byte[] from = secp
                    ? Prefix(Address.Secp256k1, Rng.For(_o.Seed, "secp-addr", sender).Bytes(20))
                    : Prefix(Address.Bls, Rng.For(_o.Seed, "bls-addr", sender).Bytes(48));
                ulong method = mrng.Next(3) == 0 ? (ulong)mrng.Between(2, 30) : 0;
                var msg = new ChainMessage(0, Address.FromId(1000UL + (ulong)mrng.Next(100_000)), from, (ulong)height,
                    new BigInteger(mrng.NextUInt64() >> 12), 1_000_000 + mrng.Next(60_000_000),
                    new BigInteger(100_000 + mrng.Next(2_000_000)), new BigInteger(mrng.Next(200_000)), method,
                    method == 0 ? Array.Empty<byte>() : mrng.Bytes(mrng.Between(1, 256)));
                Cid cid;
                if (secp) cid = _sink.PutCbor(ChainMessage.EncodeSigned(msg, new Signature(1, mrng.Bytes(65))));
                else cid = _sink.PutCbor(msg.Encode());
                msgs.Add((cid, from, (ulong)height, secp));
                (secp ? secpVals : blsVals).Add(LinkBytes(cid));
                if (!secp && j == 0 && b == 0) sharedBls = (cid, from, (ulong)height);
            }
            var blsRoot = Amt.Build(blsVals, _sink);
            var secpRoot = Amt.Build(secpVals, _sink);
            var meta = new CborWriter(90).WriteArray(2).WriteCid(blsRoot).WriteCid(secpRoot).ToArray();
            var metaCid = _sink.PutCbor(meta);
            var header = new BlockHeader
            {
                Miner = miner,
                Ticket = new Ticket(ticket),
                ElectionProof = new ElectionProof(wins[b], vrf),
                BeaconEntries = beacon,
                WinPoStProof = new[] { new PoStProof(3, post) },
                Parents = parent.Cids,
                ParentWeight = parent.Weight,
                Height = height,
                ParentStateRoot = parent.StateAfter,
                ParentMessageReceipts = parent.ReceiptsAfter,
                Messages = metaCid,
                BLSAggregate = new Signature(2, brng.Bytes(96)),
                Timestamp = timestamp,
                BlockSig = new Signature(2, brng.Bytes(96)),
                ForkSignaling = 0,
                ParentBaseFee = parent.BaseFeeAfter,
            };
            var bytes = header.Encode();
            blocks.Add(new MinedBlock(header, bytes, Cid.Hash(bytes), FilFil.Core.Ipld.Hashing.Blake2b256(ticket), msgs));
        }
        blocks.Sort((x, y) =>
        {
            int c = x.TicketHash.AsSpan().SequenceCompareTo(y.TicketHash);
            return c != 0 ? c : x.Cid.Bytes.SequenceCompareTo(y.Cid.Bytes);
        });
        foreach (var b in blocks) _headerSink.Put(b.Cid, b.Bytes);

        // execute: Lotus BlockMsgsForTipset selection (per block: BLS then secp; first nonce per sender wins)
        var applied = new Dictionary<string, ulong>();
        var selected = new List<(Cid, bool)>();
        foreach (var b in blocks)
        {
            foreach (var secpPass in new[] { false, true })
            {
                foreach (var (cid, from, nonce, secp) in b.Msgs)
                {
                    if (secp != secpPass) continue;
                    string key = Convert.ToHexString(from);
                    if (!applied.TryGetValue(key, out var next)) next = nonce;
                    if (next != nonce) continue;
                    applied[key] = next + 1;
                    selected.Add((cid, secp));
                }
            }
        }
        var rrng = Rng.For(_o.Seed, "receipts", height, fork);
        var receipts = new List<byte[]>(selected.Count);
        foreach (var _ in selected)
        {
            long exit = rrng.Chance(0.05) ? 16 : 0;
            receipts.Add(new ChainReceipt(exit, Array.Empty<byte>(), 500_000 + rrng.Next(20_000_000), null).Encode());
        }
        var receiptsRoot = Amt.Build(receipts, _receiptSink);
        var undo = State.Apply(height, fork, _sink);
        var fee = parent.BaseFeeAfter * (1000 + rrng.Between(-125, 125)) / 1000;
        if (fee < 100) fee = 100;
        return new DevnetTipSet
        {
            Height = height,
            Cids = blocks.Select(b => b.Cid).ToArray(),
            Blocks = blocks.Select(b => b.Header).ToArray(),
            BlockBytes = blocks.Select(b => b.Bytes).ToArray(),
            Weight = parent.Weight + 10_000 * (BigInteger)winSum,
            StateAfter = State.Root,
            ReceiptsAfter = receiptsRoot,
            Messages = selected,
            BaseFeeAfter = fee,
            Fork = fork,
            WinSum = winSum,
            Undo = undo,
        };
    }

    private static byte[] Prefix(byte protocol, byte[] payload)
    {
        var a = new byte[payload.Length + 1];
        a[0] = protocol;
        payload.CopyTo(a, 1);
        return a;
    }

    internal static byte[] LinkBytes(Cid cid) => new CborWriter(42).WriteCid(cid).ToArray();
}
