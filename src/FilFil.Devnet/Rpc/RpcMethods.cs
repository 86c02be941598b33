using System.Buffers;
using System.Text.Json;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Devnet.Rpc;

/// <summary>
/// The Lotus methods the devnet serves (lotus api/api_full.go, node/impl/full/chain.go), parameter decoding as
/// go-jsonrpc's handler.go does it (param count first, then each param), results in Lotus's JSON shapes.
/// </summary>
internal sealed class RpcMethods(DevnetChain chain, DevnetFaults faults)
{
    public const string ChainNotify = "Filecoin.ChainNotify";
    private const string FullVersionV1 = "v1.36.2-dev";

    private static readonly Dictionary<string, int> ParamCounts = new(StringComparer.Ordinal)
    {
        ["Filecoin.ChainHead"] = 0, [ChainNotify] = 0, ["Filecoin.ChainGetGenesis"] = 0,
        ["Filecoin.ChainGetTipSet"] = 1, ["Filecoin.ChainGetTipSetByHeight"] = 2, ["Filecoin.ChainGetBlock"] = 1,
        ["Filecoin.ChainReadObj"] = 1, ["Filecoin.ChainHasObj"] = 1, ["Filecoin.ChainGetBlockMessages"] = 1,
        ["Filecoin.ChainGetParentReceipts"] = 1, ["Filecoin.ChainGetParentMessages"] = 1,
        ["Filecoin.ChainGetMessagesInTipset"] = 1, ["Filecoin.StateNetworkName"] = 0, ["Filecoin.Version"] = 0,
    };

    public static IEnumerable<string> Names => ParamCounts.Keys;

    private char Net => chain.Options.AddressPrefix;

    /// <summary>The faults injected into this devnet's answers.</summary>
    public DevnetFaults Faults => faults;

    /// <summary>A tipset in Lotus's JSON, its block CIDs as the faults announce them.</summary>
    public void WriteTipSet(Utf8JsonWriter w, DevnetTipSet ts) => LotusJson.TipSet(w, ts, Net, faults.Announced);

    /// <summary>Checks the method exists and the params array has the right count; returns the params.</summary>
    public static JsonElement[] Prepare(string method, JsonElement? paramsElement)
    {
        if (!ParamCounts.TryGetValue(method, out int n)) throw new RpcProtocolException(RpcProtocolException.MethodNotFound, $"method '{method}' not found");
        JsonElement[] ps = Array.Empty<JsonElement>();
        if (paramsElement is { } p && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Array)
                throw new RpcProtocolException(RpcProtocolException.ParseError, $"unmarshaling param array: json: cannot unmarshal {GoKind(p)} into Go value of type []jsonrpc.param");
            ps = p.EnumerateArray().ToArray();
        }
        if (ps.Length != n) throw new RpcProtocolException(RpcProtocolException.InvalidParams, $"wrong param count (method '{method}'): {ps.Length} != {n}");
        return ps;
    }

    /// <summary>Runs a (non-channel) method, writing its result value.</summary>
    public async ValueTask InvokeAsync(string method, JsonElement[] ps, int apiVersion, Utf8JsonWriter w, CancellationToken ct)
    {
        switch (method)
        {
            case "Filecoin.ChainHead": WriteTipSet(w, chain.Head); break;
            case "Filecoin.ChainGetGenesis": WriteTipSet(w, chain.Genesis); break;
            case "Filecoin.ChainGetTipSet":
                {
                    // ChainStore.LoadTipSet: an empty key is an error (only GetTipSetFromKey maps it to the head)
                    var key = DecodeKey(method, ps[0]);
                    if (key.Length == 0) throw new DevnetRpcException("NewTipSet called with zero length array of blocks");
                    WriteTipSet(w, LoadTipSet(key));
                    break;
                }
            case "Filecoin.ChainGetTipSetByHeight":
                {
                    long h = DecodeEpoch(method, ps[0]);
                    var key = DecodeKey(method, ps[1]);
                    DevnetTipSet from;
                    try { from = LoadTipSet(key); }
                    catch (DevnetRpcException e) { throw new DevnetRpcException($"loading tipset {KeyString(key)}: {e.Message}"); }
                    WriteTipSet(w, chain.GetTipSetByHeight(h, from));
                    break;
                }
            case "Filecoin.ChainGetBlock": LotusJson.Header(w, GetHeader(DecodeCid(method, ps[0])), Net); break;
            case "Filecoin.ChainReadObj":
                {
                    var cid = DecodeCid(method, ps[0]);
                    var data = await faults.ReadObjAsync(cid, chain, ct).ConfigureAwait(false);
                    w.WriteBase64StringValue(data.Span);
                    break;
                }
            case "Filecoin.ChainHasObj": w.WriteBooleanValue(chain.HasBlock(DecodeCid(method, ps[0]))); break;
            case "Filecoin.ChainGetBlockMessages": BlockMessages(w, DecodeCid(method, ps[0])); break;
            case "Filecoin.ChainGetParentReceipts": ParentReceipts(w, DecodeCid(method, ps[0])); break;
            case "Filecoin.ChainGetParentMessages":
                {
                    var h = GetHeader(DecodeCid(method, ps[0]));
                    if (h.Height == 0) { w.WriteNullValue(); break; }
                    ApiMessages(w, LoadTipSet(h.Parents));
                    break;
                }
            case "Filecoin.ChainGetMessagesInTipset":
                {
                    var ts = LoadTipSet(DecodeKey(method, ps[0]));
                    if (ts.Height == 0) { w.WriteNullValue(); break; }
                    ApiMessages(w, ts);
                    break;
                }
            case "Filecoin.StateNetworkName": w.WriteStringValue(chain.NetworkName); break;
            case "Filecoin.Version":
                w.WriteStartObject();
                w.WriteString("Version", $"{FullVersionV1}+{chain.Options.Network}+filfil-devnet");
                // api/version.go: FullAPIVersion1 = 2.3.0, FullAPIVersion0 = 1.5.0 (v0 wrapper)
                w.WriteNumber("APIVersion", apiVersion == 0 ? (1 << 16) | (5 << 8) : (2 << 16) | (3 << 8));
                w.WriteNumber("BlockDelay", chain.Options.BlockDelaySeconds);
                w.WriteString("Agent", "lotus");
                w.WriteEndObject();
                break;
            default: throw new RpcProtocolException(RpcProtocolException.MethodNotFound, $"method '{method}' not found");
        }
    }

    private static string KeyString(IReadOnlyList<Cid> key) => "{" + string.Join(",", key) + "}";

    /// <summary>Lotus GetTipSetFromKey: an empty key means the head; otherwise the tipset with exactly these blocks.</summary>
    private DevnetTipSet LoadTipSet(IReadOnlyList<Cid> key)
    {
        if (key.Count == 0) return chain.Head;
        if (chain.TryGetTipSet(key, out var ts)) return ts;
        var headers = new List<(Cid Cid, BlockHeader Header)>();
        foreach (var c in key)
        {
            if (!chain.TryGetBlock(c, out var d)) throw new DevnetRpcException($"get block {c}: ipld: could not find {c}");
            try { headers.Add((c, BlockHeader.Decode(d.Span))); }
            catch (FilFil.Core.FilFilFormatException e) { throw new DevnetRpcException($"get block {c}: {e.Message}"); }
        }
        // NewTipSet sorts the blocks (tipsetSortFunc), so a key in any order names the same tipset
        headers.Sort((x, y) =>
        {
            int t = Hashing.Blake2b256(x.Header.Ticket?.VRFProof ?? Array.Empty<byte>()).AsSpan()
                .SequenceCompareTo(Hashing.Blake2b256(y.Header.Ticket?.VRFProof ?? Array.Empty<byte>()));
            return t != 0 ? t : x.Cid.Bytes.SequenceCompareTo(y.Cid.Bytes);
        });
        if (chain.TryGetTipSet(headers.Select(h => h.Cid).ToArray(), out var sorted)) return sorted;
        throw new DevnetRpcException($"devnet: {KeyString(key)} is not a tipset of this chain");
    }

    private BlockHeader GetHeader(Cid c)
    {
        if (!chain.TryGetBlock(c, out var d)) throw new DevnetRpcException($"ipld: could not find {c}");
        try { return BlockHeader.Decode(d.Span); }
        catch (FilFil.Core.FilFilFormatException e) { throw new DevnetRpcException(e.Message); }
    }

    private byte[] Get(Cid c) => chain.GetBlock(c) ?? throw new DevnetRpcException($"ipld: could not find {c}");

    private (List<Cid> Bls, List<Cid> Secp) ReadMsgMeta(Cid meta)
    {
        var data = Get(meta);
        var r = new CborReader(data, 0, "MsgMeta");
        r.ReadArrayHeader(2, "MsgMeta");
        var bls = r.ReadCid();
        var secp = r.ReadCid();
        r.ExpectEnd();
        return (ReadCids(bls), ReadCids(secp));
    }

    private List<Cid> ReadCids(Cid amt)
    {
        var vals = Amt.Read(amt, c => chain.GetBlock(c));
        return vals.Select(v => { var r = new CborReader(v, 0, "AMT value"); var c = r.ReadCid(); r.ExpectEnd(); return c; }).ToList();
    }

    private void BlockMessages(Utf8JsonWriter w, Cid block)
    {
        var h = GetHeader(block);
        var (bls, secp) = ReadMsgMeta(h.Messages);
        w.WriteStartObject();
        w.WritePropertyName("BlsMessages");
        w.WriteStartArray();
        foreach (var c in bls) LotusJson.Message(w, ChainMessage.Decode(Get(c)), c, Net);
        w.WriteEndArray();
        w.WritePropertyName("SecpkMessages");
        w.WriteStartArray();
        foreach (var c in secp)
        {
            var (m, sig) = ChainMessage.DecodeSigned(Get(c));
            LotusJson.SignedMessage(w, m, sig, c, Net);
        }
        w.WriteEndArray();
        w.WritePropertyName("Cids");
        w.WriteStartArray();
        foreach (var c in bls.Concat(secp)) LotusJson.Cid(w, c);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void ParentReceipts(Utf8JsonWriter w, Cid block)
    {
        var h = GetHeader(block);
        if (h.Height == 0) { w.WriteNullValue(); return; }
        var vals = Amt.Read(h.ParentMessageReceipts, c => chain.GetBlock(c));
        w.WriteStartArray();
        foreach (var v in vals) LotusJson.Receipt(w, ChainReceipt.Decode(v));
        w.WriteEndArray();
    }

    /// <summary>[]api.Message {Cid, Message}: nil (null) when empty, as Lotus's append-built slice.</summary>
    private void ApiMessages(Utf8JsonWriter w, DevnetTipSet ts)
    {
        if (ts.Messages.Count == 0) { w.WriteNullValue(); return; }
        w.WriteStartArray();
        foreach (var (cid, secp) in ts.Messages)
        {
            var data = Get(cid);
            var m = secp ? ChainMessage.DecodeSigned(data).Message : ChainMessage.Decode(data);
            w.WriteStartObject();
            w.WritePropertyName("Cid"); LotusJson.Cid(w, cid);
            w.WritePropertyName("Message"); LotusJson.Message(w, m, secp ? Cid.Hash(m.Encode()) : cid, Net);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    // ---- parameter decoding (go-jsonrpc: -32700 "unmarshaling params for '<m>' (param: <type>): <err>") ----

    private static RpcProtocolException ParamError(string method, string goType, string err) =>
        new(RpcProtocolException.ParseError, $"unmarshaling params for '{method}' (param: {goType}): {err}");

    internal static string GoKind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object", JsonValueKind.Array => "array", JsonValueKind.String => "string",
        JsonValueKind.Number => "number", JsonValueKind.True or JsonValueKind.False => "bool", _ => "null",
    };

    internal static Cid DecodeCid(string method, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw ParamError(method, "*cid.Cid", e.ValueKind == JsonValueKind.Null ? "cid was incorrectly formatted" : $"json: cannot unmarshal {GoKind(e)} into Go value of type struct {{ CidTarget string \"json:\\\"/\\\"\" }}");
        if (!e.TryGetProperty("/", out var s) || s.ValueKind != JsonValueKind.String || s.GetString() is not { Length: > 0 } str)
            throw ParamError(method, "*cid.Cid", "cid was incorrectly formatted");
        try { return Cid.Parse(str); }
        catch (FormatException ex) { throw ParamError(method, "*cid.Cid", ex.Message); }
    }

    private static Cid[] DecodeKey(string method, JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null) return Array.Empty<Cid>();
        if (e.ValueKind != JsonValueKind.Array) throw ParamError(method, "*types.TipSetKey", $"json: cannot unmarshal {GoKind(e)} into Go value of type []cid.Cid");
        return e.EnumerateArray().Select(x => DecodeCid(method, x)).ToArray();
    }

    private static long DecodeEpoch(string method, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long v))
            throw ParamError(method, "*abi.ChainEpoch", $"json: cannot unmarshal {(e.ValueKind == JsonValueKind.Number ? "number " + e.GetRawText() : GoKind(e))} into Go value of type abi.ChainEpoch");
        return v;
    }
}
