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
/// <para>
/// Bounds (issue 15): a message is at most <see cref="MaxMessageSize"/> (closed with 1009 MessageTooBig past it, with
/// no more than that held); at most <see cref="MaxInFlight"/> requests are read ahead of their replies (then the
/// connection is not read until one is answered), of which <see cref="MaxRunning"/> run at once, in turns with the
/// other connections (<see cref="FairScheduler"/>); replies wait in an outbox written by one writer, and a client
/// that lets more than <see cref="MaxQueuedBytes"/> of them pile up, or takes none for <see cref="SendTimeout"/>, is
/// closed (as Lotus closes a ChainNotify reader that falls behind). No thread ever waits for a client.
/// </para>
/// </summary>
internal sealed class WsConnection
{
    /// <summary>Lotus SubHeadChanges buffers 16 batches; a subscriber further behind is closed.</summary>
    public const int SubscriptionBuffer = 16;

    /// <summary>go-jsonrpc's request size limit (100 MiB).</summary>
    public const long MaxMessageSize = 100 << 20;

    /// <summary>
    /// Requests of one connection read and not yet answered. At the limit the connection is not read until one is
    /// answered, so a client that sends faster than it is served holds at most this many parsed requests.
    /// </summary>
    public const int MaxInFlight = 256;

    /// <summary>
    /// Requests of one connection running at once; the rest of its <see cref="MaxInFlight"/> wait, parsed, for one to
    /// finish. A follower fetches blocks 64 at a time, so this keeps it busy while it bounds the delayed or forwarded
    /// calls one client has waiting at once.
    /// </summary>
    public const int MaxRunning = 16;

    /// <summary>Reply bytes one connection may have waiting for its client by default (<see cref="DevnetServer.MaxQueuedBytes"/>).</summary>
    public const long DefaultMaxQueuedBytes = 4 << 20;

    /// <summary>
    /// How long one reply may wait for the client to take it before the connection is closed (a client that never
    /// reads, as Lotus closes a ChainNotify reader that falls behind).
    /// </summary>
    public static TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    private readonly WebSocket _ws;
    private readonly RpcDispatcher _dispatcher;
    private readonly DevnetChain _chain;
    private readonly int _apiVersion;
    private readonly FairScheduler.Lane _lane;
    private readonly long _maxQueuedBytes;
    private readonly ReplyBudget _budget;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);
    private readonly SemaphoreSlim _running = new(MaxRunning, MaxRunning);
    private int _peakInFlight;
    private readonly Dictionary<string, Subscription> _subs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _cts;
    private long _chanCtr;
    private readonly Queue<(byte[] Frame, TaskCompletionSource? Sent)> _outbox = new();
    private long _queuedBytes;
    private bool _writing;
    private bool _dropped; // the outbox was dropped (the connection is closing): nothing more is queued or counted
    private int _closeReason; // CloseReason, first one wins

    public WsConnection(WebSocket ws, RpcDispatcher dispatcher, DevnetChain chain, int apiVersion, FairScheduler.Lane lane, long maxQueuedBytes, ReplyBudget budget, CancellationToken serverToken)
    {
        _ws = ws;
        _dispatcher = dispatcher;
        _chain = chain;
        _apiVersion = apiVersion;
        _lane = lane;
        _maxQueuedBytes = maxQueuedBytes;
        _budget = budget;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(serverToken);
    }

    /// <summary>Why the server closed a connection (none: the client left, or it is still open).</summary>
    /// <remarks>SlowReader: its own outbox passed <see cref="DevnetServer.MaxQueuedBytes"/>, or a reply waited <see cref="SendTimeout"/>;
    /// ServerQueueFull: it held the most when all connections' replies passed <see cref="DevnetServer.MaxServerQueuedBytes"/>.</remarks>
    public enum CloseReason { None, Dropped, MessageTooBig, Malformed, SlowReader, ServerQueueFull }

    /// <summary>Why the server closed this connection.</summary>
    public CloseReason ClosedBecause => (CloseReason)Volatile.Read(ref _closeReason);

    public void Abort() => Abort(CloseReason.Dropped);

    /// <summary>Closes the connection now and drops its outbox (its bytes return to the server's budget at once).</summary>
    internal void Abort(CloseReason reason)
    {
        NoteClose(reason);
        _cts.Cancel();
        _ws.Abort();
        DropOutbox();
    }

    /// <summary>Reply bytes waiting for this client now.</summary>
    internal long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Records why the server closes this connection (the first reason wins).</summary>
    private void NoteClose(CloseReason reason) => Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)CloseReason.None);

    public async Task RunAsync()
    {
        var ct = _cts.Token;
        using var buffer = new RequestBuffer(MaxMessageSize);
        WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure;
        string? description = null;
        try
        {
            while (_ws.State == WebSocketState.Open && !ct.IsCancellationRequested)
            {
                buffer.Clear();
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await _ws.ReceiveAsync(buffer.GetMemory(), ct).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close) return;
                    buffer.Advance(r.Count);
                    if (buffer.TooBig)
                    {
                        // go-jsonrpc's 100 MiB limit, checked as the bytes come: never more than the cap is held
                        NoteClose(CloseReason.MessageTooBig);
                        (status, description) = (WebSocketCloseStatus.MessageTooBig, $"message bigger than {MaxMessageSize} bytes");
                        return;
                    }
                } while (!r.EndOfMessage);
                JsonDocument doc;
                try { doc = JsonDocument.Parse(buffer.ToArray()); }
                catch (JsonException)
                {
                    // go-jsonrpc drops the connection on an undecodable frame
                    NoteClose(CloseReason.Malformed);
                    (status, description) = (WebSocketCloseStatus.InvalidPayloadData, "not a JSON-RPC message");
                    return;
                }
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
            DropOutbox();
            try
            {
                // bounded: a client that reads nothing must not hold the connection (and its slot) open
                using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                if (_ws.State is WebSocketState.Open && status != WebSocketCloseStatus.NormalClosure)
                {
                    // a refused message: the close goes out at once, and the rest of the message is read and dropped
                    // (nothing kept) until the client answers it, so the client gets the status rather than a reset
                    await _ws.CloseAsync(status, description, closing.Token).ConfigureAwait(false);
                }
                else if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await _ws.CloseOutputAsync(status, description, closing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException) { }
            _ws.Dispose();
        }
    }

    /// <summary>Handles one request in this connection's turn, once a <see cref="MaxRunning"/> slot is free, and queues its reply.</summary>
    private async Task RunRequestAsync(JsonDocument doc, CancellationToken ct)
    {
        try
        {
            using (doc)
            {
                await _running.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    // off the read loop, in turns with the other connections' requests
                    var reply = await _lane.Run(() => _dispatcher.HandleAsync(doc.RootElement, _apiVersion, this, ct), ct).ConfigureAwait(false);
                    if (reply.Frame is not null) Post(reply.Frame, null);
                }
                finally { _running.Release(); }
            }
        }
        catch (OperationCanceledException) { }
        finally { _inFlight.Release(); }
    }

    /// <summary>The most requests this connection had in flight at once (at most <see cref="MaxInFlight"/>).</summary>
    internal int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Queues <paramref name="frame"/> and returns when it was written (or the connection closed); never waits for the client while holding anything.</summary>
    public Task SendAsync(byte[] frame)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(frame, sent);
        return sent.Task;
    }

    /// <summary>
    /// Queues <paramref name="frame"/> for the writer (started here when idle). A frame that would take the outbox past
    /// the connection's bound closes it instead (a frame into an empty outbox always goes: one large reply is fine).
    /// </summary>
    private void Post(byte[] frame, TaskCompletionSource? sent)
    {
        bool start = false, tooMuch = false, overBudget = false;
        lock (_outbox)
        {
            if (_cts.IsCancellationRequested || _dropped) { }
            else if (_outbox.Count > 0 && _queuedBytes + frame.Length > _maxQueuedBytes) tooMuch = true;
            else
            {
                _outbox.Enqueue((frame, sent));
                Interlocked.Add(ref _queuedBytes, frame.Length);
                overBudget = _budget.Add(frame.Length);
                if (!_writing) start = _writing = true;
                sent = null;
            }
        }
        sent?.TrySetResult(); // not queued: the connection is closing
        if (tooMuch) Abort(CloseReason.SlowReader); // the client does not take its replies
        if (start) _ = WriteLoopAsync();
        if (overBudget) _budget.Relieve(); // the server's bound: the connection holding the most is closed
    }

    /// <summary>Writes the outbox in order until it is empty; a write the client does not take within <see cref="SendTimeout"/> closes the connection.</summary>
    private async Task WriteLoopAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        try
        {
            while (true)
            {
                byte[] frame;
                lock (_outbox)
                {
                    if (_outbox.Count == 0) { _writing = false; return; }
                    if (_cts.IsCancellationRequested) break;
                    frame = _outbox.Peek().Frame;
                }
                timeout.CancelAfter(SendTimeout);
                await _ws.SendAsync(frame, WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
                TaskCompletionSource? sent;
                lock (_outbox)
                {
                    if (_dropped) break; // dropped under the writer: its bytes are already released
                    sent = _outbox.Dequeue().Sent;
                    Unqueue(frame.Length);
                }
                sent?.TrySetResult();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // the client took nothing for SendTimeout: closed as a slow reader; otherwise the connection is gone
            Abort(timeout.IsCancellationRequested && !_cts.IsCancellationRequested ? CloseReason.SlowReader : CloseReason.Dropped);
        }
        lock (_outbox) _writing = false;
        DropOutbox();
    }

    /// <summary>Counts <paramref name="bytes"/> of replies gone from the outbox (written or dropped); under the outbox lock.</summary>
    private void Unqueue(long bytes)
    {
        Interlocked.Add(ref _queuedBytes, -bytes);
        _budget.Release(bytes);
    }

    /// <summary>
    /// Drops the replies not written (the connection is closing), returns their bytes to the server's budget and
    /// releases whoever waits for them. A writer in the middle of a frame stops when that write ends (the
    /// connection is aborted), without counting it again.
    /// </summary>
    private void DropOutbox()
    {
        List<TaskCompletionSource?> waiting;
        lock (_outbox)
        {
            _dropped = true;
            waiting = _outbox.Select(x => x.Sent).ToList();
            _outbox.Clear();
            Unqueue(_queuedBytes);
        }
        foreach (var s in waiting) s?.TrySetResult();
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
            var methods = _conn._dispatcher.Methods;
            try
            {
                await foreach (var hc in _queue.Reader.ReadAllAsync(_conn._cts.Token).ConfigureAwait(false))
                {
                    var buf = new ArrayBufferWriter<byte>(4096);
                    using (var w = new Utf8JsonWriter(buf, LotusJson.WriterOptions))
                    {
                        w.WriteStartArray();
                        if (first) Change(w, "current", _current!, methods);
                        foreach (var t in hc.Reverts) Change(w, "revert", t, methods);
                        foreach (var t in hc.Applies) Change(w, "apply", t, methods);
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

        private static void Change(Utf8JsonWriter w, string type, DevnetTipSet ts, RpcMethods methods)
        {
            w.WriteStartObject();
            w.WriteString("Type", type);
            w.WritePropertyName("Val");
            methods.WriteTipSet(w, ts);
            w.WriteEndObject();
        }
    }
}
