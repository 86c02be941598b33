using FilFil.Core;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.DealClient.Curio;

/// <summary>
/// The DAG-CBOR DealProposal the contract returns from <c>getDealProposal</c> (builtin-actors market
/// <c>deal.rs</c> DealProposal, an 11-tuple: piece_cid, piece_size, verified_deal, client, provider, label,
/// start_epoch, end_epoch, storage_price_per_epoch, provider_collateral, client_collateral). The provider is a
/// placeholder f00 that the storage provider replaces with its own miner, as Boost's contract deal monitor does
/// (boost storagemarket/contract_deal_monitor.go); everything else is kept byte for byte, so the proposal Curio
/// simulates AuthenticateMessage with is the contract's own.
/// </summary>
public sealed class ContractDealProposal
{
    private readonly byte[] _head; // array header .. client (fields 0-3), raw
    private readonly byte[] _tail; // label .. client_collateral (fields 5-10), raw

    private ContractDealProposal(byte[] head, byte[] tail) { _head = head; _tail = tail; }

    public required string PieceCid { get; init; }
    public required ulong PieceSize { get; init; }
    public required bool VerifiedDeal { get; init; }
    public required FilecoinAddress Client { get; init; }
    public required FilecoinAddress Provider { get; init; }
    /// <summary>The label as text (the contract writes the piece CID in base32); null if it is a byte label.</summary>
    public required string? Label { get; init; }
    public required long StartEpoch { get; init; }
    public required long EndEpoch { get; init; }

    /// <exception cref="FilFilFormatException">Not an 11-field DealProposal in DAG-CBOR.</exception>
    public static ContractDealProposal Parse(ReadOnlySpan<byte> cbor)
    {
        var r = new CborReader(cbor, 0, "DealProposal");
        r.ReadArrayHeader(11, "DealProposal");
        var pieceCid = r.ReadCid();
        ulong size = r.ReadUInt64();
        bool verified = r.ReadBool();
        var client = FilecoinAddress.FromBytes(r.ReadBytes());
        int providerAt = r.Position;
        var provider = FilecoinAddress.FromBytes(r.ReadBytes());
        int tailAt = r.Position;
        string? label = r.PeekMajor() == CborMajor.Text ? r.ReadText() : SkipBytes(ref r);
        long start = r.ReadInt64();
        long end = r.ReadInt64();
        for (int i = 0; i < 3; i++) r.ReadBytes(); // price, provider collateral, client collateral (BigInt bytes)
        r.ExpectEnd();
        return new ContractDealProposal(cbor[..providerAt].ToArray(), cbor[tailAt..].ToArray())
        {
            PieceCid = pieceCid.ToString(), PieceSize = size, VerifiedDeal = verified, Client = client, Provider = provider,
            Label = label, StartEpoch = start, EndEpoch = end,
        };
    }

    private static string? SkipBytes(ref CborReader r)
    {
        r.ReadBytes();
        return null;
    }

    /// <summary>The proposal with <paramref name="minerId"/> (f0 ID address bytes) as the provider.</summary>
    public byte[] WithProvider(ulong minerId)
    {
        var w = new CborWriter(_head.Length + _tail.Length + 16);
        w.WriteRaw(_head);
        w.WriteBytes(FilecoinAddress.FromId(minerId).Bytes);
        w.WriteRaw(_tail);
        return w.ToArray();
    }
}
