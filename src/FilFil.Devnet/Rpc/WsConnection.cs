using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace FilFil.Devnet.Rpc;

/// <summary>
/// One WebSocket client (go-jsonrpc websocket.go): calls are handled concurrently, writes are serialised, ChainNotify
/// opens an output channel with ids counting from 1, values go out as <c>xrpc.ch.val</c>, the end as <c>xrpc.ch.close</c>,
/// and <c>xrpc.cancel [reqId]</c> closes the channel opened by that request.
/// </summary>
internal sealed class WsConnection
{
    /// <summary>Lotus SubHeadChanges buffers 16 batches; a subscriber further behind is closed.</summary>
    public const int SubscriptionBuffer = 16;

    /// <summary>
    /// Requests of one connection handled at once. At the limit the connection is not read until one finishes, so a
    /// client that floods requests (and never reads the replies) holds at most this many requests and their replies,
    /// not memory without bound; the others are served meanwhile.
    /// </summary>
    public const int MaxInFlight = 256;

    /// <summary>
    /// Requests of one connection running at once; the rest of its <see cref="MaxInFlight"/> wait, parsed, for one to
    /// finish (its reply written). Every running request can have work on the shared thread pool, so this bounds what
    /// one connection puts ahead of the other connections' requests: 8 clients flooding with 256 requests each kept
    /// another client waiting 4 s. A follower fetches blocks 64 at a time, so this is enough to keep it busy.
    /// </summary>
    public const int MaxRunning = 16;

    /// <summary>
    /// How long one reply may wait for the client to take it before the connection is closed (a client that never
    /// reads, as Lotus closes a ChainNotify reader that falls behind).
    /// </summary>
    public static TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    private readonly WebSocket _ws;
    private readonly RpcDispatcher _dispatcher;
    private readonly DevnetChain _chain;
    private readonly int _apiVersion;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);
    private readonly SemaphoreSlim _running = new(MaxRunning, MaxRunning);
    private int _peakInFlight;
    private readonly Dictionary<string, Subscription> _subs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _cts;
    private long _chanCtr;

    public WsConnection(WebSocket ws, RpcDispatcher dispatcher, DevnetChain chain, int apiVersion, CancellationToken serverToken)
    {
        _ws = ws;
        _dispatcher = dispatcher;
        _chain = chain;
        _apiVersion = apiVersion;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(serverToken);
    }

    public void Abort()
    {
        _cts.Cancel();
        _ws.Abort();
    }

    public async Task RunAsync()
    {
        var ct = _cts.Token;
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (_ws.State == WebSocketState.Open && !ct.IsCancellationRequested)
            {
                buffer.Clear();
                ValueWebSocketReceiveResult r;
                do
                {
                    var mem = buffer.GetMemory(8192);
                    r = await _ws.ReceiveAsync(mem, ct).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close) return;
                    buffer.Advance(r.Count);
                    if (buffer.WrittenCount > (100 << 20)) return; // go-jsonrpc's 100 MiB request limit
                } while (!r.EndOfMessage);
                JsonDocument doc;
                try { doc = JsonDocument.Parse(buffer.WrittenMemory.ToArray()); }
                catch (JsonException) { return; } // go-jsonrpc drops the connection on an undecodable frame
                await _inFlight.WaitAsync(ct).ConfigureAwait(false); // at the limit: stop reading this client
                int now = MaxInFlight - _inFlight.CurrentCount;
                if (now > Volatile.Read(ref _peakInFlight)) Volatile.Write(ref _peakInFlight, now);
                _ = RunRequestAsync(doc, ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            List<Subscription> subs;
            lock (_subs) { subs = _subs.Values.ToList(); _subs.Clear(); }
            foreach (var s in subs) s.Close();
            _cts.Cancel();
            try
            {
                if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException) { }
            _ws.Dispose();
        }
    }

    /// <summary>Handles one request once a <see cref="MaxRunning"/> slot is free, and writes its reply.</summary>
    private async Task RunRequestAsync(JsonDocument doc, CancellationToken ct)
    {
        try
        {
            using (doc)
            {
                await _running.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await Task.Yield(); // off the read loop: the connection keeps reading up to MaxInFlight
                    var reply = await _dispatcher.HandleAsync(doc.RootElement, _apiVersion, this, ct).ConfigureAwait(false);
                    if (reply.Frame is not null) await SendAsync(reply.Frame).ConfigureAwait(false);
                }
                finally { _running.Release(); }
            }
        }
        catch (OperationCanceledException) { }
        finally { _inFlight.Release(); }
    }

    /// <summary>The most requests this connection had in flight at once (at most <see cref="MaxInFlight"/>).</summary>
    internal int PeakInFlight => Volatile.Read(ref _peakInFlight);

    public async Task SendAsync(byte[] frame)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        timeout.CancelAfter(SendTimeout); // the wait for the write lock counts: it is the queue of earlier replies
        try
        {
            await _writeLock.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            if (!_cts.IsCancellationRequested) Abort(); // the client has not taken replies for SendTimeout
            return;
        }
        try
        {
            if (_ws.State != WebSocketState.Open) return;
            await _ws.SendAsync(frame, WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_cts.IsCancellationRequested) { Abort(); }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        finally { _writeLock.Release(); }
    }

    public void Subscribe(string? rawReqId)
    {
        ulong chanId = (ulong)Interlocked.Increment(ref _chanCtr);
        var sub = new Subscription(this, chanId, rawReqId);
        if (rawReqId is not null) lock (_subs) _subs[rawReqId] = sub;
        sub.Start();
    }

    public void Cancel(string rawReqId)
    {
        Subscription? s;
        lock (_subs) { if (_subs.Remove(rawReqId, out s)) { } }
        s?.Close();
    }

    private sealed class Subscription
    {
        private readonly WsConnection _conn;
        private readonly ulong _chanId;
        private readonly string? _reqId;
        private readonly Channel<DevnetHeadChange> _queue =
            Channel.CreateBounded<DevnetHeadChange>(new BoundedChannelOptions(SubscriptionBuffer) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        private DevnetTipSet? _current;
        private int _closed;

        public Subscription(WsConnection conn, ulong chanId, string? reqId)
        {
            _conn = conn;
            _chanId = chanId;
            _reqId = reqId;
        }

        public void Start()
        {
            _current = _conn._chain.Subscribe(OnHeadChange);
            // the `current` value occupies the first of the 16 slots, as in SubHeadChanges
            _queue.Writer.TryWrite(new DevnetHeadChange(Array.Empty<DevnetTipSet>(), Array.Empty<DevnetTipSet>()));
            _ = Task.Run(PumpAsync);
        }

        private void OnHeadChange(DevnetHeadChange hc)
        {
            if (!_queue.Writer.TryWrite(hc)) Close(); // "closing head change subscription due to slow reader"
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            _conn._chain.Unsubscribe(OnHeadChange);
            _queue.Writer.TryComplete();
        }

        private async Task PumpAsync()
        {
            await _conn.SendAsync(RpcFrames.Result(_reqId ?? "null", System.Text.Encoding.UTF8.GetBytes(_chanId.ToString(CultureInfo.InvariantCulture)))).ConfigureAwait(false);
            bool first = true;
            char net = _conn._chain.Options.AddressPrefix;
            try
            {
                await foreach (var hc in _queue.Reader.ReadAllAsync(_conn._cts.Token).ConfigureAwait(false))
                {
                    var buf = new ArrayBufferWriter<byte>(4096);
                    using (var w = new Utf8JsonWriter(buf, LotusJson.WriterOptions))
                    {
                        w.WriteStartArray();
                        if (first) Change(w, "current", _current!, net);
                        foreach (var t in hc.Reverts) Change(w, "revert", t, net);
                        foreach (var t in hc.Applies) Change(w, "apply", t, net);
                        w.WriteEndArray();
                    }
                    first = false;
                    await _conn.SendAsync(RpcFrames.ChannelValue(_chanId, buf.WrittenSpan)).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) { }
            Close();
            await _conn.SendAsync(RpcFrames.ChannelClose(_chanId)).ConfigureAwait(false);
        }

        private static void Change(Utf8JsonWriter w, string type, DevnetTipSet ts, char net)
        {
            w.WriteStartObject();
            w.WriteString("Type", type);
            w.WritePropertyName("Val");
            LotusJson.TipSet(w, ts, net);
            w.WriteEndObject();
        }
    }
}
