using System.Text.Json;
using FilFil.Core.Ipld;

namespace FilFil.Core.Lotus;

/// <summary>What a frame from the node is: a response to request <see cref="LotusFrame.Id"/>, or a channel notification.</summary>
internal enum LotusFrameKind { Ignored, Result, Error, ChannelValue, ChannelClose }

/// <summary>
/// One go-jsonrpc frame received from a Lotus node, parsed without any client state (so it can be fuzzed alone):
/// <c>{"id":n,"result":...}</c>, <c>{"id":n,"error":{"code":..,"message":..}}</c>, <c>xrpc.ch.val [chan, value]</c>,
/// <c>xrpc.ch.close [chan]</c>. <see cref="Value"/> is detached from the frame's buffer. Whatever the node sends,
/// the readers here either return or throw <see cref="FilFilFormatException"/> ("Lotus JSON").
/// </summary>
internal readonly record struct LotusFrame(LotusFrameKind Kind, long Id, JsonElement Value, long ErrorCode, string? ErrorMessage)
{
    private const string What = "Lotus JSON";

    /// <exception cref="FilFilFormatException">The frame is not JSON, or a notification's method or channel id has the wrong type.</exception>
    public static LotusFrame Parse(ReadOnlySpan<byte> frame)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(frame.ToArray()); }
        catch (JsonException e) { throw new FilFilFormatException(What, e.BytePositionInLine ?? 0, "a JSON-RPC frame", e.Message, e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return default;
            if (root.TryGetProperty("method", out var m))
            {
                string method = Text(m, "a method name");
                var ps = root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Array ? p : default;
                if (method == "xrpc.ch.val" && ps.ValueKind == JsonValueKind.Array && ps.GetArrayLength() == 2)
                    return new(LotusFrameKind.ChannelValue, Int64(ps[0], "a channel id"), ps[1].Clone(), 0, null);
                if (method == "xrpc.ch.close" && ps.ValueKind == JsonValueKind.Array && ps.GetArrayLength() >= 1)
                    return new(LotusFrameKind.ChannelClose, Int64(ps[0], "a channel id"), default, 0, null);
                return default; // other server-to-client calls are not used by Lotus's full-node API
            }
            // a response to no request of ours (this client sends integer ids) is ignored
            if (!root.TryGetProperty("id", out var idEl) || idEl.ValueKind != JsonValueKind.Number || !idEl.TryGetInt64(out long id)) return default;
            if (root.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object)
            {
                long code = err.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out long cv) ? cv : 0;
                string message = err.TryGetProperty("message", out var mm) && mm.ValueKind == JsonValueKind.String
                    ? Text(mm, "an error message") : Raw(err);
                return new(LotusFrameKind.Error, id, default, code, message);
            }
            return new(LotusFrameKind.Result, id, root.TryGetProperty("result", out var res) ? res.Clone() : default, 0, null);
        }
    }

    /// <summary>The entries of a ChainNotify batch: each entry's Type and its tipset JSON (Val).</summary>
    /// <exception cref="FilFilFormatException">An entry is not an object with a string Type and a Val.</exception>
    public static List<(string Type, JsonElement Val)> HeadChanges(JsonElement batch)
    {
        var list = new List<(string, JsonElement)>();
        if (batch.ValueKind != JsonValueKind.Array) return list;
        foreach (var hc in batch.EnumerateArray())
        {
            if (hc.ValueKind != JsonValueKind.Object || !hc.TryGetProperty("Type", out var type) || !hc.TryGetProperty("Val", out var val))
                throw new FilFilFormatException(What, 0, "a head change {Type, Val}", Raw(hc));
            list.Add((Text(type, "a head change Type"), val));
        }
        return list;
    }

    /// <summary>A TipSet's block CIDs and its Height (if given) from its JSON; the headers are read separately.</summary>
    /// <exception cref="FilFilFormatException">The value is not a TipSet object with a Cids array of CIDs.</exception>
    public static (Cid[] Cids, long? Height) TipSetKey(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("Cids", out var cidsEl) || cidsEl.ValueKind != JsonValueKind.Array)
            throw new FilFilFormatException(What, 0, "a TipSet {Cids, Blocks, Height}", e.ValueKind.ToString());
        var cids = cidsEl.EnumerateArray().Select(ReadCid).ToArray();
        long? height = e.TryGetProperty("Height", out var h) && h.ValueKind != JsonValueKind.Null ? Int64(h, "a tipset Height") : null;
        return (cids, height);
    }

    /// <summary>A CID in Lotus's JSON form <c>{"/": "bafy..."}</c>.</summary>
    /// <exception cref="FilFilFormatException">The value is not a CID object, or its text is not a CID.</exception>
    public static Cid ReadCid(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("/", out var s) || s.ValueKind != JsonValueKind.String)
            throw new FilFilFormatException(What, 0, "a CID object {\"/\": \"...\"}", Raw(e));
        return Cid.Parse(Text(s, "CID text"));
    }

    /// <summary>Block bytes: base64 text, or null for none.</summary>
    /// <exception cref="FilFilFormatException">The value is neither null nor valid base64 text.</exception>
    public static byte[] Base64(JsonElement r)
    {
        if (r.ValueKind == JsonValueKind.Null) return Array.Empty<byte>();
        if (r.ValueKind != JsonValueKind.String || !r.TryGetBytesFromBase64(out var bytes))
            throw new FilFilFormatException(What, 0, "base64 block bytes", r.ValueKind == JsonValueKind.String ? "invalid base64" : r.ValueKind.ToString());
        return bytes;
    }

    /// <summary>A JSON string as text.</summary>
    /// <exception cref="FilFilFormatException">The value is not a string, or not valid UTF-8.</exception>
    public static string Text(JsonElement e, string expected)
    {
        if (e.ValueKind != JsonValueKind.String) throw new FilFilFormatException(What, 0, expected, e.ValueKind.ToString());
        try { return e.GetString()!; }
        catch (InvalidOperationException ex) { throw new FilFilFormatException(What, 0, expected + " in UTF-8", "invalid UTF-8", ex); }
    }

    private static long Int64(JsonElement e, string expected) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v
            : throw new FilFilFormatException(What, 0, expected + " (an int64)", e.ValueKind == JsonValueKind.Number ? "a number out of range" : e.ValueKind.ToString());

    /// <summary>The JSON text of a value for an error message (a value with invalid UTF-8 is named by its kind).</summary>
    private static string Raw(JsonElement e)
    {
        try { return e.GetRawText(); }
        catch (InvalidOperationException) { return e.ValueKind.ToString(); }
    }
}
