using System.Buffers;
using System.Text;
using System.Text.Json;
using FilFil.Devnet.Evm;

namespace FilFil.Devnet.Rpc;

/// <summary>Turns one JSON-RPC request into its response frame (go-jsonrpc handler.go semantics).</summary>
internal sealed class RpcDispatcher(RpcMethods methods)
{
    /// <summary>A response frame and the HTTP status go-jsonrpc would give it (200; 500 for protocol errors; 400 invalid request).</summary>
    public readonly record struct Reply(byte[]? Frame, int Status);

    private const string InvalidUtf8 = "Parse error: a string of the request is not valid UTF-8";
    private EthForwarder? _forwarder;

    /// <summary>The Lotus methods served.</summary>
    public RpcMethods Methods => methods;

    /// <summary>Where eth_* / net_* / web3_* go (null: they are unknown methods, as on a Lotus node without the Eth API).</summary>
    public EthForwarder? Forwarder { get => Volatile.Read(ref _forwarder); set => Volatile.Write(ref _forwarder, value); }

    /// <summary>Requests handled (any outcome).</summary>
    public long Handled => Interlocked.Read(ref _handled);
    private long _handled;

    public async Task<Reply> HandleAsync(JsonElement req, int apiVersion, WsConnection? ws, CancellationToken ct)
    {
        Interlocked.Increment(ref _handled);
        if (req.ValueKind != JsonValueKind.Object) return new(RpcFrames.Error(null, RpcProtocolException.ParseError, "Parse error"), 500);
        string? rawId;
        string method;
        try
        {
            rawId = req.TryGetProperty("id", out var idEl) && idEl.ValueKind != JsonValueKind.Null ? idEl.GetRawText() : null;
            method = req.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        }
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
        {
            return new(RpcFrames.Error(null, RpcProtocolException.ParseError, InvalidUtf8), 500);
        }
        JsonElement? ps = req.TryGetProperty("params", out var p) ? p : null;
        try
        {
            if (ws is not null && method == RpcFrames.Cancel)
            {
                if (ps is { ValueKind: JsonValueKind.Array } arr && arr.GetArrayLength() > 0) ws.Cancel(arr[0].GetRawText());
                return new(null, 200);
            }
            if (Forwarder is { } forwarder && EthForwarder.Handles(method))
            {
                var forwarded = await forwarder.ForwardAsync(method, req.GetRawText(), rawId, ct).ConfigureAwait(false);
                return new(rawId is null ? null : forwarded, 200);
            }
            var args = RpcMethods.Prepare(method, ps);
            methods.Faults.FailIfInjected(method);
            if (method == RpcMethods.ChainNotify)
            {
                if (ws is null)
                    throw new RpcProtocolException(RpcProtocolException.MethodNotFound, $"method '{method}' not supported in this mode (no out channel support)");
                ws.Subscribe(rawId);
                return new(null, 200); // the channel writer sends the registration response, then values
            }
            var buf = new ArrayBufferWriter<byte>(256);
            using (var w = new Utf8JsonWriter(buf, LotusJson.WriterOptions))
                await methods.InvokeAsync(method, args, apiVersion, w, ct).ConfigureAwait(false);
            return rawId is null ? new(null, 200) : new(RpcFrames.Result(rawId, buf.WrittenSpan), 200);
        }
        catch (RpcProtocolException e)
        {
            return new(RpcFrames.Error(rawId, e.Code, e.Message), e.Code == RpcProtocolException.InvalidRequest ? 400 : 500);
        }
        catch (DevnetRpcException e)
        {
            return rawId is null ? new(null, 200) : new(RpcFrames.Error(rawId, 1, e.Message), 200);
        }
        catch (FormatException e)
        {
            return rawId is null ? new(null, 200) : new(RpcFrames.Error(rawId, 1, e.Message), 200);
        }
        catch (KeyNotFoundException e)
        {
            return rawId is null ? new(null, 200) : new(RpcFrames.Error(rawId, 1, e.Message), 200);
        }
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
        {
            // JsonDocument checks a request's structure, not the UTF-8 of its strings: a param string is read here
            return new(RpcFrames.Error(rawId, RpcProtocolException.ParseError, InvalidUtf8), 500);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new(null, 200); // connection or server going away
        }
        catch (Exception e)
        {
            // go-jsonrpc recovers a panicking method the same way (handler.go doCall): code 0, never a hung caller
            return new(RpcFrames.Error(rawId, 0, $"fatal error calling '{method}': panic in rpc method '{method}': {e.Message}"), 500);
        }
    }
}
