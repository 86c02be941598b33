using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Lotus;

/// <summary>
/// A Lotus JSON-RPC client over one WebSocket, speaking go-jsonrpc's frames: requests
/// <c>{"jsonrpc":"2.0","id":n,"method":"Filecoin.X","params":[...]}</c>, channel results as an integer channel id
/// followed by <c>xrpc.ch.val [chan, value]</c> notifications and <c>xrpc.ch.close [chan]</c>, and
/// <c>xrpc.cancel [request id]</c> to end a channel. Bearer token in the Authorization header.
/// <para>
/// Written directly on <see cref="ClientWebSocket"/> and System.Text.Json rather than StreamJsonRpc (which could be
/// taught go-jsonrpc's ids and <c>xrpc.cancel</c>): the receive loop registers a channel while it handles the response
/// that names it, before the next frame, so no <c>xrpc.ch.val</c> can race it; and no extra assemblies load into
/// users' pwsh sessions (docs/engine.md).
/// </para>
/// Thread-safe: calls may run concurrently; one receive loop dispatches responses and channel values in order.
/// Tipsets are returned with their raw headers, read with ChainReadObj and checked against the CIDs (so the
/// bytes are exactly the node's, whatever JSON quirks the header has).
/// </summary>
public sealed class LotusClient : IAsyncDisposable
{
    private readonly ClientWebSocket _ws;
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly ConcurrentDictionary<long, (TaskCompletionSource<JsonElement> Tcs, string Method, bool Channel)> _pending = new();
    private readonly ConcurrentDictionary<long, Channel<JsonElement>> _channels = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _receive;
    private long _nextId;
    private volatile Exception? _closed;

    private LotusClient(ClientWebSocket ws)
    {
        _ws = ws;
        _receive = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Connects to ws://host:port/rpc/v1 (or v0); <paramref name="token"/> null connects with read access.</summary>
    public static async Task<LotusClient> ConnectAsync(Uri endpoint, string? token = null, CancellationToken ct = default)
    {
        if (endpoint.Scheme is not ("ws" or "wss")) throw new ArgumentException($"a ws:// or wss:// endpoint is required, not {endpoint}", nameof(endpoint));
        var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        if (!string.IsNullOrEmpty(token)) ws.Options.SetRequestHeader("Authorization", "Bearer " + token);
        try
        {
            await ws.ConnectAsync(endpoint, ct).ConfigureAwait(false);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
        return new LotusClient(ws);
    }

    /// <summary>True until the socket closes.</summary>
    public bool IsConnected => _closed is null && _ws.State == WebSocketState.Open;

    // ------------------------------------------------------------------ framing

    private async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_closed is { } e) throw new LotusConnectionLostException("the connection to the node is closed", e);
            await _ws.SendAsync(frame, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    private static byte[] Frame(long? id, string method, Action<Utf8JsonWriter> writeParams)
    {
        var buf = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            if (id is { } i) w.WriteNumber("id", i);
            w.WriteString("method", method);
            w.WritePropertyName("params");
            w.WriteStartArray();
            writeParams(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    private async Task<(JsonElement Result, long Id)> CallRawAsync(string method, Action<Utf8JsonWriter> writeParams, bool channel, CancellationToken ct)
    {
        long id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = (tcs, method, channel);
        try
        {
            if (_closed is { } e) throw new LotusConnectionLostException("the connection to the node is closed", e);
            await SendAsync(Frame(id, method, writeParams), ct).ConfigureAwait(false);
            using (ct.Register(() => tcs.TrySetCanceled(ct)))
                return (await tcs.Task.ConfigureAwait(false), id);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Calls a method and returns its result (a detached JSON element).</summary>
    public async Task<JsonElement> CallAsync(string method, Action<Utf8JsonWriter>? writeParams = null, CancellationToken ct = default) =>
        (await CallRawAsync(method, writeParams ?? (_ => { }), false, ct).ConfigureAwait(false)).Result;

    private async Task ReceiveLoopAsync()
    {
        var buf = new byte[1 << 16];
        var msg = new ArrayBufferWriter<byte>(1 << 16);
        Exception? error = null;
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                msg.Clear();
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await _ws.ReceiveAsync(buf.AsMemory(), _cts.Token).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close) throw new LotusConnectionLostException($"the node closed the connection ({_ws.CloseStatus} {_ws.CloseStatusDescription})");
                    msg.Write(buf.AsSpan(0, r.Count));
                    if (msg.WrittenCount > 256 << 20) throw new LotusConnectionLostException("a message from the node exceeds 256 MiB");
                } while (!r.EndOfMessage);
                Dispatch(msg.WrittenSpan);
            }
        }
        catch (Exception e)
        {
            error = e is LotusConnectionLostException ? e : new LotusConnectionLostException($"the connection to the node failed: {e.Message}", e);
        }
        error ??= new LotusConnectionLostException("the client was disposed");
        _closed = error;
        foreach (var (_, p) in _pending) p.Tcs.TrySetException(error);
        foreach (var (_, c) in _channels) c.Writer.TryComplete(error);
    }

    private void Dispatch(ReadOnlySpan<byte> frame)
    {
        var f = LotusFrame.Parse(frame);
        switch (f.Kind)
        {
            case LotusFrameKind.ChannelValue:
                if (_channels.TryGetValue(f.Id, out var ch)) ch.Writer.TryWrite(f.Value);
                return;
            case LotusFrameKind.ChannelClose:
                if (_channels.TryRemove(f.Id, out var closed)) closed.Writer.TryComplete();
                return;
            case LotusFrameKind.Error:
                if (_pending.TryGetValue(f.Id, out var failed))
                    failed.Tcs.TrySetException(new LotusRpcException(failed.Method, f.ErrorCode, f.ErrorMessage ?? ""));
                return;
            case LotusFrameKind.Result:
                if (!_pending.TryGetValue(f.Id, out var pending)) return;
                if (pending.Channel)
                {
                    // register before any value of this channel is dispatched (values follow the response on the socket)
                    if (f.Value.ValueKind != JsonValueKind.Number || !f.Value.TryGetInt64(out long chanId))
                    {
                        pending.Tcs.TrySetException(new LotusRpcException(pending.Method, 0, $"expected a channel id, got {f.Value.ValueKind}"));
                        return;
                    }
                    _channels[chanId] = Channel.CreateUnbounded<JsonElement>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
                }
                pending.Tcs.TrySetResult(f.Value);
                return;
        }
    }

    // ------------------------------------------------------------------ JSON shapes

    private static void WriteCid(Utf8JsonWriter w, Cid c)
    {
        w.WriteStartObject();
        w.WriteString("/", c.ToString());
        w.WriteEndObject();
    }

    private static void WriteKey(Utf8JsonWriter w, IReadOnlyList<Cid>? key)
    {
        w.WriteStartArray();
        if (key is not null) foreach (var c in key) WriteCid(w, c);
        w.WriteEndArray();
    }

    private async Task<TipSet> ReadTipSetAsync(JsonElement e, CancellationToken ct)
    {
        var (cids, height) = LotusFrame.TipSetKey(e);
        var raws = await Task.WhenAll(cids.Select(c => ReadHeaderAsync(c, ct))).ConfigureAwait(false);
        var ts = new TipSet(cids, raws);
        if (height is { } hv && hv != ts.Height)
            throw new FilFilFormatException("Lotus JSON", 0, $"Height {ts.Height} (from the headers)", hv.ToString(CultureInfo.InvariantCulture));
        return ts;
    }

    /// <summary>
    /// A block header's raw bytes, verified against its CID: a method error or bad bytes are retried with backoff
    /// (<see cref="Retry"/>, <see cref="HeaderReadAttempts"/> attempts), then reported as a
    /// <see cref="BlockUnavailableException"/> (corrupt, or unavailable from the node); a transport failure ends at once.
    /// Bytes that hash right but are no block header are undecodable at once (asking again gives the same bytes).
    /// </summary>
    private async Task<byte[]> ReadHeaderAsync(Cid cid, CancellationToken ct)
    {
        byte[] header;
        try
        {
            header = await Retry.RunAsync(async c =>
            {
                var raw = await ChainReadObjAsync(cid, c).ConfigureAwait(false);
                return cid.Verify(raw) ? raw : throw new BlockUnavailableException(cid, "the node returned header bytes that do not hash to it", corrupt: true);
            }, HeaderReadAttempts, TimeSpan.FromMilliseconds(20), null, ct).ConfigureAwait(false);
        }
        catch (LotusRpcException e)
        {
            throw new BlockUnavailableException(cid, $"the node does not give the header ({e.Message})", e);
        }
        HeaderLinks.ReadFetched(cid, header);
        return header;
    }

    /// <summary>Attempts at reading a block header before its failure is final.</summary>
    private const int HeaderReadAttempts = 6;

    // ------------------------------------------------------------------ API

    public async Task<TipSet> ChainHeadAsync(CancellationToken ct = default) =>
        await ReadTipSetAsync(await CallAsync("Filecoin.ChainHead", null, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    public async Task<TipSet> ChainGetGenesisAsync(CancellationToken ct = default) =>
        await ReadTipSetAsync(await CallAsync("Filecoin.ChainGetGenesis", null, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    public async Task<TipSet> ChainGetTipSetAsync(IReadOnlyList<Cid> key, CancellationToken ct = default) =>
        await ReadTipSetAsync(await CallAsync("Filecoin.ChainGetTipSet", w => WriteKey(w, key), ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>The tipset at <paramref name="height"/> on the chain of <paramref name="key"/> (null: head); a null round gives the tipset before it.</summary>
    public async Task<TipSet> ChainGetTipSetByHeightAsync(long height, IReadOnlyList<Cid>? key = null, CancellationToken ct = default) =>
        await ReadTipSetAsync(await CallAsync("Filecoin.ChainGetTipSetByHeight", w => { w.WriteNumberValue(height); WriteKey(w, key); }, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>The raw bytes of a block (not verified here; <see cref="LotusBlockSource"/> and <see cref="RefDag"/> verify).</summary>
    public async Task<byte[]> ChainReadObjAsync(Cid cid, CancellationToken ct = default)
    {
        var r = await CallAsync("Filecoin.ChainReadObj", w => WriteCid(w, cid), ct).ConfigureAwait(false);
        return LotusFrame.Base64(r);
    }

    public async Task<bool> ChainHasObjAsync(Cid cid, CancellationToken ct = default)
    {
        var r = await CallAsync("Filecoin.ChainHasObj", w => WriteCid(w, cid), ct).ConfigureAwait(false);
        return r.ValueKind == JsonValueKind.True;
    }

    public async Task<string> StateNetworkNameAsync(CancellationToken ct = default)
    {
        var r = await CallAsync("Filecoin.StateNetworkName", null, ct).ConfigureAwait(false);
        return LotusFrame.Text(r, "a network name");
    }

    /// <summary>
    /// Subscribes to head changes: the first batch is [current], then batches of reverts then applies. Ends when the
    /// node closes the channel (for example a slow reader) — resubscribe and resync from ChainHead then; throws
    /// <see cref="LotusConnectionLostException"/> if the socket drops. Stopping the enumeration sends xrpc.cancel.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<HeadChange>> ChainNotifyAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var batch in (await SubscribeHeadChangesAsync(ct).ConfigureAwait(false)).WithCancellation(ct).ConfigureAwait(false))
            yield return batch;
    }

    /// <summary>
    /// <see cref="ChainNotifyAsync"/> in two steps: the ChainNotify call itself (a method error is its
    /// <see cref="LotusRpcException"/>, here, so a caller can ask again on the same connection), then the batches.
    /// </summary>
    public async Task<IAsyncEnumerable<IReadOnlyList<HeadChange>>> SubscribeHeadChangesAsync(CancellationToken ct = default)
    {
        var (result, reqId) = await CallRawAsync("Filecoin.ChainNotify", _ => { }, true, ct).ConfigureAwait(false);
        return HeadChangesAsync(result.GetInt64(), reqId, ct);
    }

    private async IAsyncEnumerable<IReadOnlyList<HeadChange>> HeadChangesAsync(long chanId, long reqId, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!_channels.TryGetValue(chanId, out var ch)) yield break; // closed before we looked
        try
        {
            while (await ch.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (ch.Reader.TryRead(out var batch))
                {
                    var list = new List<HeadChange>();
                    foreach (var (type, val) in LotusFrame.HeadChanges(batch))
                        list.Add(new HeadChange(type, await ReadTipSetAsync(val, ct).ConfigureAwait(false)));
                    yield return list;
                }
            }
        }
        finally
        {
            if (_channels.TryRemove(chanId, out _) && _closed is null)
            {
                try { await SendAsync(Frame(null, "xrpc.cancel", w => w.WriteNumberValue(reqId)), CancellationToken.None).ConfigureAwait(false); }
                catch (Exception e) when (e is WebSocketException or LotusConnectionLostException or ObjectDisposedException) { }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var t = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", t.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        try { await _receive.ConfigureAwait(false); } catch { }
        _ws.Dispose();
    }
}
