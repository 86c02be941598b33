using System.Buffers;
using System.Text.Json;

namespace FilFil.Devnet.Rpc;

/// <summary>
/// go-jsonrpc frames, byte for byte: responses are marshalled from a Go map, so keys come sorted
/// (<c>{"id":1,"jsonrpc":"2.0","result":...}</c>, <c>{"error":{"code":..,"message":..},"id":..,"jsonrpc":"2.0"}</c>);
/// notifications are the request struct (<c>{"jsonrpc":"2.0","method":"xrpc.ch.val","params":[chanId,value]}</c>);
/// json.Encoder ends each with a newline (go-jsonrpc response.go, handler.go, websocket.go).
/// </summary>
internal static class RpcFrames
{
    public const string ChanValue = "xrpc.ch.val", ChanClose = "xrpc.ch.close", Cancel = "xrpc.cancel";

    public static byte[] Result(string? rawId, ReadOnlySpan<byte> resultJson)
    {
        var buf = new ArrayBufferWriter<byte>(resultJson.Length + 48);
        Append(buf, "{\"id\":");
        Append(buf, rawId ?? "null");
        Append(buf, ",\"jsonrpc\":\"2.0\",\"result\":");
        buf.Write(resultJson);
        Append(buf, "}\n");
        return buf.WrittenSpan.ToArray();
    }

    public static byte[] Error(string? rawId, int code, string message)
    {
        var buf = new ArrayBufferWriter<byte>(128 + message.Length);
        using (var w = new Utf8JsonWriter(buf, LotusJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WritePropertyName("error");
            w.WriteStartObject();
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WritePropertyName("id");
            if (rawId is null) w.WriteNullValue(); else w.WriteRawValue(rawId, skipInputValidation: true);
            w.WriteString("jsonrpc", "2.0");
            w.WriteEndObject();
        }
        Append(buf, "\n");
        return buf.WrittenSpan.ToArray();
    }

    public static byte[] ChannelValue(ulong chanId, ReadOnlySpan<byte> valueJson)
    {
        var buf = new ArrayBufferWriter<byte>(valueJson.Length + 64);
        Append(buf, "{\"jsonrpc\":\"2.0\",\"method\":\"xrpc.ch.val\",\"params\":[");
        Append(buf, chanId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(buf, ",");
        buf.Write(valueJson);
        Append(buf, "]}\n");
        return buf.WrittenSpan.ToArray();
    }

    public static byte[] ChannelClose(ulong chanId) =>
        System.Text.Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"method\":\"xrpc.ch.close\",\"params\":[{chanId}]}}\n");

    private static void Append(ArrayBufferWriter<byte> buf, string s)
    {
        var span = buf.GetSpan(s.Length * 3);
        int n = System.Text.Encoding.UTF8.GetBytes(s, span);
        buf.Advance(n);
    }
}
