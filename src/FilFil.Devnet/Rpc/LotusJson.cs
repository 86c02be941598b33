using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Devnet.Rpc;

/// <summary>
/// Writes Lotus's JSON shapes (Go encoding/json of the lotus types): field names and order of the Go structs, CIDs as
/// <c>{"/":"bafy..."}</c>, <c>[]byte</c> as padded base64 (nil, i.e. empty after a cbor-gen decode, as null), big
/// integers as decimal strings, addresses as strings with the network prefix.
/// </summary>
internal static class LotusJson
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static void Cid(Utf8JsonWriter w, Cid c)
    {
        w.WriteStartObject();
        w.WriteString("/", c.ToString());
        w.WriteEndObject();
    }

    public static void Bytes(Utf8JsonWriter w, ReadOnlySpan<byte> b)
    {
        if (b.Length == 0) w.WriteNullValue(); else w.WriteBase64StringValue(b);
    }

    public static void Big(Utf8JsonWriter w, BigInteger v) => w.WriteStringValue(v.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static void Signature(Utf8JsonWriter w, Signature? s)
    {
        if (s is null) { w.WriteNullValue(); return; }
        w.WriteStartObject();
        w.WriteNumber("Type", s.Type);
        w.WritePropertyName("Data");
        Bytes(w, s.Data);
        w.WriteEndObject();
    }

    /// <summary>types.TipSet; <paramref name="announce"/> gives the CID written for each block (fault injection: <see cref="DevnetFaults.UndecodableHeader"/>).</summary>
    public static void TipSet(Utf8JsonWriter w, DevnetTipSet ts, char net, Func<Cid, Cid>? announce = null)
    {
        w.WriteStartObject();
        w.WritePropertyName("Cids");
        w.WriteStartArray();
        foreach (var c in ts.Cids) Cid(w, announce is null ? c : announce(c));
        w.WriteEndArray();
        w.WritePropertyName("Blocks");
        w.WriteStartArray();
        foreach (var b in ts.Blocks) Header(w, b, net);
        w.WriteEndArray();
        w.WriteNumber("Height", ts.Height);
        w.WriteEndObject();
    }

    /// <summary>types.BlockHeader (chain/types/blockheader.go), default Go struct encoding.</summary>
    public static void Header(Utf8JsonWriter w, BlockHeader h, char net)
    {
        w.WriteStartObject();
        w.WriteString("Miner", Address.ToString(h.Miner, net));
        w.WritePropertyName("Ticket");
        if (h.Ticket is null) w.WriteNullValue();
        else { w.WriteStartObject(); w.WritePropertyName("VRFProof"); Bytes(w, h.Ticket.VRFProof); w.WriteEndObject(); }
        w.WritePropertyName("ElectionProof");
        if (h.ElectionProof is null) w.WriteNullValue();
        else
        {
            w.WriteStartObject();
            w.WriteNumber("WinCount", h.ElectionProof.WinCount);
            w.WritePropertyName("VRFProof"); Bytes(w, h.ElectionProof.VRFProof);
            w.WriteEndObject();
        }
        w.WritePropertyName("BeaconEntries");
        if (h.BeaconEntries.Count == 0) w.WriteNullValue();
        else
        {
            w.WriteStartArray();
            foreach (var b in h.BeaconEntries)
            {
                w.WriteStartObject();
                w.WriteNumber("Round", b.Round);
                w.WritePropertyName("Data"); Bytes(w, b.Data);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WritePropertyName("WinPoStProof");
        if (h.WinPoStProof.Count == 0) w.WriteNullValue();
        else
        {
            w.WriteStartArray();
            foreach (var p in h.WinPoStProof)
            {
                w.WriteStartObject();
                w.WriteNumber("PoStProof", p.PoStProofType);
                w.WritePropertyName("ProofBytes"); Bytes(w, p.ProofBytes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WritePropertyName("Parents");
        if (h.Parents.Count == 0) w.WriteNullValue();
        else { w.WriteStartArray(); foreach (var p in h.Parents) Cid(w, p); w.WriteEndArray(); }
        w.WritePropertyName("ParentWeight"); Big(w, h.ParentWeight);
        w.WriteNumber("Height", h.Height);
        w.WritePropertyName("ParentStateRoot"); Cid(w, h.ParentStateRoot);
        w.WritePropertyName("ParentMessageReceipts"); Cid(w, h.ParentMessageReceipts);
        w.WritePropertyName("Messages"); Cid(w, h.Messages);
        w.WritePropertyName("BLSAggregate"); Signature(w, h.BLSAggregate);
        w.WriteNumber("Timestamp", h.Timestamp);
        w.WritePropertyName("BlockSig"); Signature(w, h.BlockSig);
        w.WriteNumber("ForkSignaling", h.ForkSignaling);
        w.WritePropertyName("ParentBaseFee"); Big(w, h.ParentBaseFee);
        w.WriteEndObject();
    }

    /// <summary>types.Message with the extra "CID" field its MarshalJSON adds (chain/types/message.go mCid).</summary>
    public static void Message(Utf8JsonWriter w, ChainMessage m, Cid cid, char net)
    {
        w.WriteStartObject();
        w.WriteNumber("Version", m.Version);
        w.WriteString("To", Address.ToString(m.To, net));
        w.WriteString("From", Address.ToString(m.From, net));
        w.WriteNumber("Nonce", m.Nonce);
        w.WritePropertyName("Value"); Big(w, m.Value);
        w.WriteNumber("GasLimit", m.GasLimit);
        w.WritePropertyName("GasFeeCap"); Big(w, m.GasFeeCap);
        w.WritePropertyName("GasPremium"); Big(w, m.GasPremium);
        w.WriteNumber("Method", m.Method);
        w.WritePropertyName("Params"); Bytes(w, m.Params);
        w.WritePropertyName("CID"); Cid(w, cid);
        w.WriteEndObject();
    }

    /// <summary>types.SignedMessage with its "CID" field (chain/types/signedmessage.go smCid).</summary>
    public static void SignedMessage(Utf8JsonWriter w, ChainMessage m, Signature sig, Cid signedCid, char net)
    {
        w.WriteStartObject();
        w.WritePropertyName("Message"); Message(w, m, global::FilFil.Core.Ipld.Cid.Hash(m.Encode()), net);
        w.WritePropertyName("Signature"); Signature(w, sig);
        w.WritePropertyName("CID"); Cid(w, signedCid);
        w.WriteEndObject();
    }

    /// <summary>types.MessageReceipt: ExitCode, Return, GasUsed, EventsRoot.</summary>
    public static void Receipt(Utf8JsonWriter w, ChainReceipt r)
    {
        w.WriteStartObject();
        w.WriteNumber("ExitCode", r.ExitCode);
        w.WritePropertyName("Return"); Bytes(w, r.Return);
        w.WriteNumber("GasUsed", r.GasUsed);
        w.WritePropertyName("EventsRoot");
        if (r.EventsRoot is { } e) Cid(w, e); else w.WriteNullValue();
        w.WriteEndObject();
    }
}
