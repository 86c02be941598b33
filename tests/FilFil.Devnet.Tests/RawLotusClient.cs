using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace FilFil.Devnet.Tests;

/// <summary>
/// A minimal client written from go-jsonrpc's documented frames only (README / websocket.go), sharing no code with the
/// devnet: requests {"jsonrpc","id","method","params"}, responses by id, notifications xrpc.ch.val / xrpc.ch.close.
/// </summary>
internal sealed class RawLotusClient : IAsyncDisposable
{
    private readonly ClientWebSocket _ws = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private long _nextId;
    private Task? _loop;

    public Channel<JsonElement> Notifications { get; } = Channel.CreateUnbounded<JsonElement>();
    public List<string> RawFrames { get; } = new();
    public bool KeepRaw { get; set; }
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<RawLotusClient> ConnectAsync(Uri uri, string? bearer = null)
    {
        var c = new RawLotusClient();
        if (bearer is not null) c._ws.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await c._ws.ConnectAsync(uri, cts.Token);
        c._loop = Task.Run(c.ReceiveLoop);
        return c;
    }

    private async Task ReceiveLoop()
    {
        var buf = new byte[1 << 16];
        try
        {
            while (true)
            {
                using var ms = new MemoryStream();
                WebSocketReceiveResult r;
                do
                {
                    r = await _ws.ReceiveAsync(buf, CancellationToken.None);
                    if (r.MessageType == WebSocketMessageType.Close) return;
                    ms.Write(buf, 0, r.Count);
                } while (!r.EndOfMessage);
                var text = Encoding.UTF8.GetString(ms.ToArray());
                if (KeepRaw) lock (RawFrames) RawFrames.Add(text);
                var doc = JsonDocument.Parse(text).RootElement.Clone();
                if (doc.TryGetProperty("method", out _)) Notifications.Writer.TryWrite(doc);
                else if (doc.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && _pending.TryRemove(id.GetInt64(), out var tcs)) tcs.TrySetResult(doc);
            }
        }
        catch (Exception) { }
        finally
        {
            Notifications.Writer.TryComplete();
            foreach (var p in _pending) p.Value.TrySetException(new IOException("connection closed"));
            Closed.TrySetResult();
        }
    }

    public async Task SendRawAsync(string json)
    {
        await _send.WaitAsync();
        try { await _ws.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None); }
        finally { _send.Release(); }
    }

    /// <summary>Sends a request and returns the whole response frame.</summary>
    public async Task<(long Id, JsonElement Frame)> CallFrameAsync(string method, params object?[] ps)
    {
        long id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        await SendRawAsync(JsonSerializer.Serialize(new Dictionary<string, object?> { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = ps }));
        var frame = await tcs.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return (id, frame);
    }

    /// <summary>Calls and returns "result", throwing <see cref="RpcError"/> on an error frame.</summary>
    public async Task<JsonElement> CallAsync(string method, params object?[] ps)
    {
        var (_, f) = await CallFrameAsync(method, ps);
        if (f.TryGetProperty("error", out var e)) throw new RpcError(e.GetProperty("code").GetInt32(), e.GetProperty("message").GetString()!);
        return f.GetProperty("result");
    }

    public async Task<JsonElement> NextNotificationAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        return await Notifications.Reader.ReadAsync(cts.Token);
    }

    public static object Cid(string c) => new Dictionary<string, string> { ["/"] = c };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception) { }
        _ws.Dispose();
        if (_loop is not null) await Task.WhenAny(_loop, Task.Delay(2000));
    }
}

internal sealed class RpcError(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
