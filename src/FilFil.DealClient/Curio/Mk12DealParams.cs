using System.Text;
using FilFil.Core.Ipld;

namespace FilFil.DealClient.Curio;

/// <summary>
/// Curio's MK12 deal request body, <c>mk12.DealParams</c> (filecoin-project/curio market/mk12/types.go; its
/// cbor-gen <c>--map-encoding</c> in market/mk12/types_cbor_gen.go), for a contract (f4) client:
/// <code>
/// { DealUUID: bytes(16), Transfer: {Size, Type: "http", Params: JSON {"URL","Headers"}, ClientID: ""},
///   IsOffline: false, DealDataRoot: CID, SkipIPNIAnnounce, ClientDealProposal: [proposal, signature],
///   RemoveUnsealedCopy }
/// </code>
/// Keys in cbor-gen's order (length, then bytes), as Curio's sptool writes them. What the fields are for a contract
/// deal follows Boost's contract deal monitor (boost storagemarket/contract_deal_monitor.go): the provider set to the
/// SP's miner, the label (the piece CID text) as DealDataRoot, a placeholder BLS signature <c>0xdead</c> (Curio
/// checks an f4 client by simulating AuthenticateMessage, market/mk12/mk12_utils.go verifyContractSignature, which
/// passes the signature bytes to the contract; this contract ignores them), an online http transfer of
/// <c>car_size</c> bytes from <c>location_ref</c> (Curio requires piece size == padded(Transfer.Size), mk12.go
/// processDeal).
/// </summary>
public static class Mk12DealParams
{
    /// <summary>go-state-types crypto.SigTypeBLS.</summary>
    public const byte SigTypeBls = 2;

    /// <summary>Boost's placeholder signature bytes for contract deals.</summary>
    public static ReadOnlySpan<byte> PlaceholderSignature => [0xde, 0xad];

    /// <summary>The request body for <c>POST /market/mk12/store</c>.</summary>
    public static byte[] Encode(Guid dealUuid, ContractDealProposal proposal, ContractExtraParams extra, ulong minerId)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(extra);
        if (proposal.Label is null || !Cid.TryParse(proposal.Label, out var root))
            throw new ArgumentException($"the proposal's label \"{proposal.Label}\" is not a CID (the deal data root)", nameof(proposal));
        var w = new CborWriter(1024);
        w.WriteMap(7);
        w.WriteText("DealUUID").WriteBytes(dealUuid.ToByteArray(bigEndian: true));
        w.WriteText("Transfer").WriteMap(4);
        w.WriteText("Size").WriteUInt(extra.CarSize);
        w.WriteText("Type").WriteText("http");
        w.WriteText("Params").WriteBytes(HttpTransferParams(extra.LocationRef));
        w.WriteText("ClientID").WriteText("");
        w.WriteText("IsOffline").WriteBool(false);
        w.WriteText("DealDataRoot").WriteCid(root);
        w.WriteText("SkipIPNIAnnounce").WriteBool(extra.SkipIpniAnnounce);
        w.WriteText("ClientDealProposal").WriteArray(2);
        w.WriteRaw(proposal.WithProvider(minerId));
        Span<byte> sig = stackalloc byte[1 + PlaceholderSignature.Length];
        sig[0] = SigTypeBls;
        PlaceholderSignature.CopyTo(sig[1..]);
        w.WriteBytes(sig);
        w.WriteText("RemoveUnsealedCopy").WriteBool(extra.RemoveUnsealedCopy);
        return w.ToArray();
    }

    /// <summary>
    /// <c>mk12.HttpRequest{URL}</c> as Go's encoding/json writes it: <c>{"URL":"...","Headers":null}</c>, with
    /// Go's escapes for &lt;, &gt;, &amp;, U+2028/U+2029, quotes, backslashes and control characters.
    /// </summary>
    public static byte[] HttpTransferParams(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var sb = new StringBuilder("{\"URL\":\"", url.Length + 32);
        foreach (char c in url)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c is '<' or '>' or '&' or '\u2028' or '\u2029') sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append("\",\"Headers\":null}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
