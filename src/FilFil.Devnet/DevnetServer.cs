using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FilFil.Core.Serving;
using FilFil.Devnet.Evm;
using FilFil.Devnet.Rpc;

namespace FilFil.Devnet;

/// <summary>
/// A Lotus-compatible JSON-RPC server for a <see cref="DevnetChain"/> on 127.0.0.1 (System.Net.HttpListener, so it
/// loads inside pwsh): <c>/rpc/v0</c> and <c>/rpc/v1</c> over HTTP POST and WebSocket, go-jsonrpc frames and channel
/// semantics, optional bearer token (read access without one, 401 for a wrong one, <c>?token=</c> accepted).
/// </summary>
public sealed class DevnetServer : IAsyncDisposable
{
    private const long MaxRequestSize = WsConnection.MaxMessageSize;

    private readonly HttpGate _gate;
    private readonly HttpListener _listener;
    private readonly bool _ownsChain;
    private readonly RpcDispatcher _dispatcher;
    private readonly FairScheduler _scheduler = new(Math.Max(2, Environment.ProcessorCount));
    private readonly CancellationTokenSource _cts = new();
    private readonly HashSet<WsConnection> _connections = new();
    private readonly ReplyBudget _budget;
    private readonly List<Task> _running = new();
    private Task? _acceptLoop;
    private int _stopped;

    private DevnetServer(HttpGate gate, DevnetChain chain, bool ownsChain, string? token)
    {
        _gate = gate;
        _listener = gate.Listener;
        Port = gate.PublicPort;
        Chain = chain;
        _ownsChain = ownsChain;
        Token = token;
        Faults = new DevnetFaults(chain, DropConnections);
        _dispatcher = new RpcDispatcher(new RpcMethods(chain, Faults));
        _budget = new ReplyBudget(() => { lock (_connections) return _connections.ToArray(); });
    }

    /// <summary>WebSocket endpoint, ws://127.0.0.1:port/rpc/v1.</summary>
    public Uri Endpoint => new($"ws://127.0.0.1:{Port}/rpc/v1");

    /// <summary>HTTP endpoint, http://127.0.0.1:port/rpc/v1.</summary>
    public Uri HttpEndpoint => new($"http://127.0.0.1:{Port}/rpc/v1");

    public int Port { get; }

    /// <summary>
    /// The endpoint in Lotus's FULLNODE_API_INFO form (cli/util/apiinfo.go): <c>token:/ip4/127.0.0.1/tcp/port/http</c>,
    /// or just the multiaddr when no token is configured.
    /// </summary>
    public string ApiInfo => (Token is null ? "" : Token + ":") + $"/ip4/127.0.0.1/tcp/{Port}/http";

    /// <summary>The bearer token the server checks (null: any token accepted).</summary>
    public string? Token { get; }

    public DevnetChain Chain { get; }

    public DevnetFaults Faults { get; }

    /// <summary>The EVM node that eth_* / net_* / web3_* requests are forwarded to (null: not forwarded).</summary>
    public Uri? EthUpstream => _dispatcher.Forwarder?.Upstream;

    /// <summary>
    /// Serves the Ethereum JSON-RPC API on this server's endpoints (HTTP and WebSocket) by forwarding every
    /// <c>eth_*</c>, <c>net_*</c> and <c>web3_*</c> request to <paramref name="upstream"/> (an http URL of anvil or
    /// another EVM node), as a Lotus node serves both on /rpc/v1. Set once.
    /// </summary>
    public void ForwardEth(Uri upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        if (upstream.Scheme != Uri.UriSchemeHttp && upstream.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"the EVM node is reached over http(s), not {upstream.Scheme}:", nameof(upstream));
        var f = new EthForwarder(upstream);
        if (Interlocked.CompareExchange(ref _forwarder, f, null) is not null)
        {
            f.Dispose();
            throw new InvalidOperationException($"this devnet already forwards eth_* to {EthUpstream}");
        }
        _dispatcher.Forwarder = f;
    }

    private EthForwarder? _forwarder;

    /// <summary>Connections served at once by default (<see cref="MaxConnections"/>).</summary>
    public const int DefaultMaxConnections = 1024;

    /// <summary>
    /// The most connections served at once: open WebSocket connections and POST requests being served (HttpListener
    /// serves one request of a connection at a time). One more is answered 503 before the upgrade or the body is read,
    /// and its connection closed. A connection that closes, or a POST answered, frees its slot (and its buffers) at once.
    /// Connections still sending their request line and headers are HttpListener's, not counted here.
    /// </summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;
    private int _open; // slots held: WebSocket connections and POSTs being served

    /// <summary>
    /// Reply bytes one WebSocket connection may have waiting for its client (4 MiB by default). A client that lets
    /// more pile up (it sends requests and does not read the replies) is closed, as Lotus closes a ChainNotify reader
    /// that falls behind; a single larger reply still goes out when nothing else waits. Applies to new connections.
    /// </summary>
    public long MaxQueuedBytes
    {
        get => Interlocked.Read(ref _maxQueuedBytes);
        set { ArgumentOutOfRangeException.ThrowIfLessThan(value, 1); Interlocked.Exchange(ref _maxQueuedBytes, value); }
    }
    private long _maxQueuedBytes = WsConnection.DefaultMaxQueuedBytes;

    /// <summary>Reply bytes all connections together may have waiting for their clients by default (<see cref="MaxServerQueuedBytes"/>).</summary>
    public const long DefaultMaxServerQueuedBytes = 256L << 20;

    /// <summary>
    /// Reply bytes all WebSocket connections together may have waiting for their clients (256 MiB by default). When a
    /// reply takes the sum past it, the connection holding the most is closed as a slow reader
    /// (<see cref="QueueFullClosed"/>), and its bytes return at once. Without it N never-reading connections could
    /// hold N x <see cref="MaxQueuedBytes"/>.
    /// </summary>
    public long MaxServerQueuedBytes { get => _budget.Limit; set => _budget.Limit = value; }

    /// <summary>Reply bytes waiting for their clients now, all connections together.</summary>
    public long QueuedBytes => _budget.Used;

    /// <summary>The most reply bytes that waited at once since the start (tests of the server bound).</summary>
    internal long PeakQueuedBytes => _budget.Peak;

    /// <summary>Connections closed because the server's queued replies reached <see cref="MaxServerQueuedBytes"/> and they held the most.</summary>
    public long QueueFullClosed => Interlocked.Read(ref _queueFullClosed);
    private long _queueFullClosed;

    /// <summary>Connections the server closed because their client did not take its replies (<see cref="MaxQueuedBytes"/>, the send timeout of a WebSocket reply or a POST answer).</summary>
    public long SlowReadersClosed => Interlocked.Read(ref _slowReadersClosed);
    private long _slowReadersClosed;

    /// <summary>
    /// How long a POST's body may take to come in full (30 s by default). A request still sending its body then is
    /// closed (<see cref="SlowRequestsClosed"/>): it holds a <see cref="MaxConnections"/> slot while it is served, and
    /// a body trickled a byte at a time would hold it for ever.
    /// </summary>
    public TimeSpan RequestBodyTimeout
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _requestBodyTimeout));
        set { ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero); Interlocked.Exchange(ref _requestBodyTimeout, value.Ticks); }
    }
    private long _requestBodyTimeout = TimeSpan.FromSeconds(30).Ticks;

    /// <summary>POST requests closed because their body did not come within <see cref="RequestBodyTimeout"/>.</summary>
    public long SlowRequestsClosed => Interlocked.Read(ref _slowRequestsClosed);
    private long _slowRequestsClosed;

    /// <summary>Connections the server closed because a message was bigger than 100 MiB (close status 1009).</summary>
    public long TooBigClosed => Interlocked.Read(ref _tooBigClosed);
    private long _tooBigClosed;

    /// <summary>JSON-RPC requests handled since the start (HTTP and WebSocket, any outcome).</summary>
    public long RequestsHandled => _dispatcher.Handled;

    /// <summary>The scheduler the requests of every connection (WebSocket and HTTP POST) take turns on.</summary>
    internal FairScheduler Scheduler => _scheduler;

    /// <summary>Connections holding a <see cref="MaxConnections"/> slot: open WebSocket connections and POST requests being served.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Number of open WebSocket connections.</summary>
    public int ConnectionCount { get { lock (_connections) return _connections.Count; } }

    /// <summary>The most requests any open connection has had in flight at once (tests of the per-connection bound).</summary>
    internal int PeakInFlight { get { lock (_connections) return _connections.Select(c => c.PeakInFlight).DefaultIfEmpty(0).Max(); } }

    /// <summary>Creates a chain from <paramref name="options"/> and serves it.</summary>
    public static Task<DevnetServer> StartAsync(DevnetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var chain = new DevnetChain(options, cancellationToken);
        try { return Task.FromResult(Start(chain, true, options.Port, options.Token, cancellationToken)); }
        catch { chain.Dispose(); throw; }
    }

    /// <summary>Serves an existing chain (not disposed with the server).</summary>
    public static Task<DevnetServer> StartAsync(DevnetChain chain, int port = 0, string? token = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return Task.FromResult(Start(chain, false, port, token, cancellationToken));
    }

    private static DevnetServer Start(DevnetChain chain, bool owns, int port, string? token, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // the gate owns the port (0: a free one) and checks each request head before HttpListener sees a byte: a
        // request HttpListener would refuse itself (another Host, a malformed head) had it read the whole body first.
        // Bodies over the cap pass it: the server refuses them itself, unread, with go-jsonrpc's error.
        var gate = HttpGate.Start($"http://127.0.0.1:{port}/", new GateOptions
        {
            Methods = ["GET", "POST"],
            MaxBodyBytes = long.MaxValue,
            AllowUpgrade = true,
            // the server closes a client that takes no reply for its send timeout itself (a slow reader, counted)
            WriteTimeout = WsConnection.SendTimeout + TimeSpan.FromSeconds(30),
        });
        var server = new DevnetServer(gate, chain, owns, token);
        server._acceptLoop = Task.Run(server.AcceptLoopAsync, CancellationToken.None); // the loop watches the server token itself
        return server;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var t = Task.Run(() => HandleAsync(ctx));
            lock (_running) { _running.RemoveAll(x => x.IsCompleted); _running.Add(t); }
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        var req = ctx.Request;
        var resp = ctx.Response;
        SocketTuning.TrySetNoDelay(ctx);
        try
        {
            string path = req.Url?.AbsolutePath ?? "";
            int apiVersion = path switch { "/rpc/v0" => 0, "/rpc/v1" => 1, _ => -1 };
            if (apiVersion < 0 || !Authorized(req))
            {
                // a body is not read: the connection closes after the answer (else HttpListener reads it all to reuse it)
                if (req.HasEntityBody) resp.KeepAlive = false;
                resp.StatusCode = apiVersion < 0 ? 404 : 401;
                resp.Close();
                return;
            }
            // a connection beyond MaxConnections (a WebSocket, or a POST while it is served) is refused before the
            // upgrade or the body: 503, its connection closed, nothing read or kept
            if (Interlocked.Increment(ref _open) > MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                await RefuseAsync(resp, 503, RpcProtocolException.InternalError, $"too many connections (the devnet serves at most {MaxConnections} at once)").ConfigureAwait(false);
                return;
            }
            try
            {
                if (req.IsWebSocketRequest) await ServeWebSocketAsync(ctx, apiVersion).ConfigureAwait(false);
                else await HandlePostAsync(req, resp, apiVersion).ConfigureAwait(false);
            }
            finally { Interlocked.Decrement(ref _open); }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException or InvalidOperationException or System.Net.WebSockets.WebSocketException
                                  || _cts.IsCancellationRequested)
        {
            // A stop tears the listener down under a handshake in flight: the managed HttpListener then fails inside
            // AcceptWebSocketAsync with NullReferenceException or ArgumentNullException. That is this connection's end,
            // not a failure of the stop (it made StopAsync throw before it released the port).
            try { resp.Abort(); } catch (ObjectDisposedException) { }
        }
    }

    private async Task ServeWebSocketAsync(HttpListenerContext ctx, int apiVersion)
    {
        string? proto = ctx.Request.Headers["Sec-WebSocket-Protocol"];
        var wsCtx = await ctx.AcceptWebSocketAsync(string.IsNullOrEmpty(proto) ? null : proto, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        var conn = new WsConnection(wsCtx.WebSocket, _dispatcher, Chain, apiVersion, _scheduler.CreateLane(), MaxQueuedBytes, _budget, _cts.Token);
        lock (_connections) _connections.Add(conn);
        try { await conn.RunAsync().ConfigureAwait(false); }
        finally
        {
            lock (_connections) _connections.Remove(conn);
            if (conn.ClosedBecause == WsConnection.CloseReason.SlowReader) Interlocked.Increment(ref _slowReadersClosed);
            if (conn.ClosedBecause == WsConnection.CloseReason.MessageTooBig) Interlocked.Increment(ref _tooBigClosed);
            if (conn.ClosedBecause == WsConnection.CloseReason.ServerQueueFull) Interlocked.Increment(ref _queueFullClosed);
        }
    }

    /// <summary>go-jsonrpc auth/handler.go: Authorization header, else ?token=; a token must be "Bearer ..." and valid.</summary>
    private bool Authorized(HttpListenerRequest req)
    {
        string? header = req.Headers["Authorization"];
        if (string.IsNullOrEmpty(header))
        {
            string? q = req.QueryString["token"];
            if (!string.IsNullOrEmpty(q)) header = "Bearer " + q;
        }
        if (string.IsNullOrEmpty(header)) return true; // default permissions: read
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return false;
        string token = header["Bearer ".Length..];
        return Token is null || string.Equals(token, Token, StringComparison.Ordinal);
    }

    private async Task HandlePostAsync(HttpListenerRequest req, HttpListenerResponse resp, int apiVersion)
    {
        // a body past the cap is refused without reading it, and its connection is closed (else HttpListener would
        // read the rest, synchronously, to reuse the connection)
        if (req.ContentLength64 > MaxRequestSize)
        {
            await TooBigAsync(resp).ConfigureAwait(false);
            return;
        }
        using var body = new RequestBuffer(MaxRequestSize);
        var elapsed = Stopwatch.StartNew();
        var timeout = RequestBodyTimeout;
        int n;
        while (true)
        {
            var read = req.InputStream.ReadAsync(body.GetMemory(), _cts.Token).AsTask();
            try { n = await read.WaitAsync(Max(timeout - elapsed.Elapsed, TimeSpan.Zero)).ConfigureAwait(false); }
            catch (TimeoutException)
            {
                // the body did not come in time: the connection is closed under the read, and the buffer's segments
                // return to the pool only once the read is over (else it could write into an array rented again)
                Interlocked.Increment(ref _slowRequestsClosed);
                resp.Abort();
                try { await read.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
                catch (TimeoutException) { body.Abandon(); }
                catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { }
                return;
            }
            if (n == 0) break;
            body.Advance(n);
            if (body.TooBig)
            {
                await TooBigAsync(resp).ConfigureAwait(false);
                return;
            }
        }
        var bytes = body.ToArray().AsMemory().Trim(" \t\r\n"u8.ToArray());
        if (bytes.Length == 0)
        {
            await WriteAsync(resp, 400, RpcFrames.Error(null, RpcProtocolException.InvalidRequest, "Invalid request")).ConfigureAwait(false);
            return;
        }
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes); }
        catch (JsonException)
        {
            await WriteAsync(resp, 500, RpcFrames.Error(null, RpcProtocolException.ParseError, "Parse error")).ConfigureAwait(false);
            return;
        }
        using (doc)
        {
            // in turns with every other connection's requests, WebSocket or POST (one lane: HttpListener serves one
            // request of a connection at a time); a batch's requests take one turn each
            var lane = _scheduler.CreateLane();
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                if (root.GetArrayLength() == 0)
                {
                    await WriteAsync(resp, 400, RpcFrames.Error(null, RpcProtocolException.InvalidRequest, "Invalid request")).ConfigureAwait(false);
                    return;
                }
                // the answers count against the server's reply bound as they are made (a 100 MiB batch asks for
                // gigabytes of answers); past it the batch stops and is refused
                var frames = new List<byte[]>();
                long held = 0;
                try
                {
                    int status = 200;
                    foreach (var item in root.EnumerateArray())
                    {
                        var r = await lane.Run(() => _dispatcher.HandleAsync(item, apiVersion, null, _cts.Token), _cts.Token).ConfigureAwait(false);
                        if (r.Status != 200 && status == 200) status = r.Status;
                        if (r.Frame is null) continue;
                        frames.Add(r.Frame);
                        held += r.Frame.Length + 1;
                        if (_budget.Add(r.Frame.Length + 1))
                        {
                            frames.Clear();
                            _budget.Release(held);
                            held = 0;
                            await WriteAsync(resp, 500, RpcFrames.Error(null, RpcProtocolException.InternalError, $"batch answers bigger than the server's reply bound ({MaxServerQueuedBytes} bytes)")).ConfigureAwait(false);
                            return;
                        }
                    }
                    await WriteAsync(resp, status, JoinBatch(frames)).ConfigureAwait(false);
                    return;
                }
                finally { _budget.Release(held); }
            }
            var reply = await lane.Run(() => _dispatcher.HandleAsync(root, apiVersion, null, _cts.Token), _cts.Token).ConfigureAwait(false);
            await WriteAsync(resp, reply.Status, reply.Frame ?? Array.Empty<byte>()).ConfigureAwait(false);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The answers of a batch as one JSON array (empty when every request was a notification), allocated once.</summary>
    private static byte[] JoinBatch(List<byte[]> frames)
    {
        if (frames.Count == 0) return Array.Empty<byte>();
        var all = new byte[frames.Sum(f => (long)f.Length) + frames.Count + 1];
        int at = 0;
        foreach (var f in frames)
        {
            all[at++] = (byte)(at == 1 ? '[' : ',');
            f.CopyTo(all, at);
            at += f.Length;
        }
        all[at] = (byte)']';
        return all;
    }

    private Task TooBigAsync(HttpListenerResponse resp) =>
        RefuseAsync(resp, 500, RpcProtocolException.ParseError, $"request bigger than maximum {MaxRequestSize} allowed");

    /// <summary>
    /// Answers an error and closes the connection without reading the request body (a keep-alive answer would make
    /// HttpListener read the rest of the body first, synchronously, to reuse the connection).
    /// </summary>
    private Task RefuseAsync(HttpListenerResponse resp, int status, int code, string message)
    {
        resp.KeepAlive = false;
        return WriteAsync(resp, status, RpcFrames.Error(null, code, message));
    }

    /// <summary>
    /// Writes a POST's answer. A client that does not take it within <see cref="WsConnection.SendTimeout"/> is closed
    /// as a slow reader, as on a WebSocket: otherwise it would hold its connection slot, and the answer, for ever.
    /// </summary>
    private async Task WriteAsync(HttpListenerResponse resp, int status, byte[] body)
    {
        resp.StatusCode = status;
        resp.ContentType = "application/json";
        resp.ContentLength64 = body.Length;
        var write = resp.OutputStream.WriteAsync(body).AsTask();
        try { await write.WaitAsync(WsConnection.SendTimeout).ConfigureAwait(false); }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _slowReadersClosed);
            resp.Abort(); // the stalled write fails with the socket
            _ = write.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return;
        }
        resp.Close();
    }

    private void DropConnections()
    {
        List<WsConnection> all;
        lock (_connections) all = _connections.ToList();
        foreach (var c in all) c.Abort();
    }

    /// <summary>Stops listening, drops every connection and (if the server created it) disposes the chain.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _cts.Cancel();
        DropConnections();
        try
        {
            _gate.StopAccepting();
            HttpListenerLifetime.Stop(_listener);
            if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
            Task[] running;
            lock (_running) running = _running.ToArray();
            try { await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
            catch (TimeoutException) { }
        }
        finally
        {
            // always release the port (a handler's unexpected failure above must not keep it bound: the next
            // server on this port then failed with "Address already in use"); stopped, never closed after (HttpListenerLifetime)
            _gate.Dispose();
            _dispatcher.Forwarder = null;
            _forwarder?.Dispose();
            if (_ownsChain) Chain.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
