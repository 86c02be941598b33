using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FilFil.Core.Logging;
using Serilog;

namespace FilFil.Core.Serving;

/// <summary>
/// The front of a server FilFil runs on <see cref="HttpListener"/>: it owns the public port, checks every request
/// head before a byte of it reaches the listener, and passes the requests it accepts to a listener on a private
/// loopback port over one connection per client.
/// <para>
/// Why: .NET's managed HttpListener (Linux, macOS) answers a request it cannot take itself - a Host that matches no
/// prefix, a malformed head - and before it reuses the keep-alive connection it reads the whole announced body,
/// synchronously, 2 KiB at a time, on a pool thread (<c>HttpConnection.Close</c> → <c>FlushInput</c>), where the
/// server's code never sees it. Four clients announcing 150 MiB bodies with a wrong Host kept both cores of a test
/// machine busy and delayed other clients by up to 1.6 s (issue 15's abuse campaign). A wildcard prefix would bind
/// every interface. The gate refuses such requests itself, never reads a body it refuses, and closes the connection.
/// </para>
/// <para>
/// Rules (RFC 9112, strictly, see <see cref="RequestHead"/>): heads up to <see cref="GateOptions.MaxHeadBytes"/>
/// (431), arriving within <see cref="GateOptions.HeadTimeout"/> (slowloris); a Host the server answers to (421; a
/// wildcard prefix answers to any, a loopback prefix to any loopback name, which also keeps DNS-rebinding pages out);
/// the allowed methods (405); bodies announced by Content-Length up to <see cref="GateOptions.MaxBodyBytes"/> (413;
/// Transfer-Encoding 411); at most <see cref="GateOptions.MaxConnections"/> connections. The request goes on with the
/// listener's Host and the client's address in <see cref="ClientHeader"/> (any such field the client sent is
/// dropped); responses are copied back as they are. An upgrade the options allow (WebSocket) turns the connection
/// into a two-way copy.
/// </para>
/// <para>
/// The private port is reachable by local processes only (127.0.0.1), which can bypass the gate; they can also
/// take the CPU any other way, so the gate protects against remote clients, and local ones that go through the
/// public port.
/// </para>
/// </summary>
internal sealed class HttpGate : IDisposable
{
    /// <summary>The field carrying the client's address to the listener (the listener sees the gate's).</summary>
    public const string ClientHeader = "X-FilFil-Client";

    private static readonly ILogger Log = FilFilLog.For<HttpGate>();
    private const int PumpBufferSize = 128 << 10;
    /// <summary>
    /// The receive window between the gate and the listener: small enough that a client reading slowly stalls the
    /// listener's writes (its write timeout and minimum rate see the client, not megabytes of buffers), large enough
    /// not to slow loopback copies.
    /// </summary>
    private const int InnerWindow = 256 << 10;
    private readonly GateOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _clients = new();
    private readonly string _prefixHost;
    private readonly bool _anyHost, _loopbackOnly;
    private Socket? _accept;
    private Task? _acceptLoop;
    private volatile bool _accepting = true;
    private int _open;
    private long _refused, _passed;

    private HttpGate(string prefix, GateOptions options)
    {
        _options = options;
        PublicPrefix = prefix;
        var (host, port, path) = SplitPrefix(prefix);
        _prefixHost = host;
        _anyHost = host is "+" or "*";
        _loopbackOnly = IsLoopbackName(host);
        PublicPort = port;
        Path = path;
    }

    /// <summary>The prefix clients use.</summary>
    public string PublicPrefix { get; }
    public int PublicPort { get; private set; }
    /// <summary>The path of the prefix (the listener's is the same).</summary>
    public string Path { get; }
    /// <summary>The listener behind the gate; the server takes its requests from it.</summary>
    public HttpListener Listener { get; private set; } = null!;
    /// <summary>The listener's private loopback port.</summary>
    public int ListenerPort { get; private set; }
    /// <summary>Requests the gate answered itself (malformed, too big, misdirected, over the connection limit).</summary>
    public long Refused => Interlocked.Read(ref _refused);
    /// <summary>Requests passed on to the listener.</summary>
    public long Passed => Interlocked.Read(ref _passed);
    /// <summary>Client connections open now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>
    /// Binds <paramref name="prefix"/>'s address and port and starts the listener behind it; throws
    /// <see cref="HttpListenerException"/> (as <see cref="HttpListener.Start"/> would) when the port cannot be bound.
    /// </summary>
    public static HttpGate Start(string prefix, GateOptions options, Action<HttpListener>? configure = null)
    {
        options.Validate();
        var gate = new HttpGate(prefix, options);
        var address = BindAddress(gate._prefixHost);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, gate.PublicPort));
            socket.Listen(512);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new HttpListenerException((int)e.SocketErrorCode, $"cannot listen on {prefix}: {e.Message}");
        }
        gate._accept = socket;
        gate.PublicPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        try
        {
            gate.Listener = HttpListenerLifetime.StartOnFreePort(p => $"http://127.0.0.1:{p}{gate.Path}", out int port, configure);
            gate.ListenerPort = port;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        gate._acceptLoop = Task.Run(gate.AcceptLoopAsync);
        return gate;
    }

    /// <summary>
    /// The client's address of a request that came through a gate (<see cref="ClientHeader"/>, trusted only from a
    /// loopback peer), else the peer's address.
    /// </summary>
    public static IPAddress ClientAddress(HttpListenerRequest request)
    {
        var peer = request.RemoteEndPoint?.Address ?? IPAddress.None;
        if (IPAddress.IsLoopback(peer) && request.Headers[ClientHeader] is { } forwarded && IPAddress.TryParse(forwarded, out var client)) return client;
        return peer;
    }

    private async Task AcceptLoopAsync()
    {
        var socket = _accept!;
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_accepting)
            {
                return;
            }
            catch (SocketException e)
            {
                // out of descriptors and the like: wait a little rather than spin
                Log.Warning("accepting a connection on {Prefix:l} failed: {Error:l}", PublicPrefix, e.Message);
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }
            if (Interlocked.Increment(ref _open) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                Interlocked.Increment(ref _refused);
                Abort(client);
                continue;
            }
            _clients[client] = 0;
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    /// <summary>One client connection: heads checked one by one, accepted requests passed on, responses copied back.</summary>
    private async Task ServeAsync(Socket client)
    {
        Socket? inner = null;
        Task<bool>? pump = null;
        byte[]? buf = null;
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var ct = connection.Token;
        bool abort = false, interrupted = false;
        try
        {
            client.NoDelay = true;
            var clientStream = new NetworkStream(client, ownsSocket: false);
            NetworkStream? innerStream = null;
            // an idle connection holds no buffer until its first byte
            var headDeadline = DateTime.UtcNow + _options.HeadTimeout;
            await client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct).AsTask().WaitAsync(_options.HeadTimeout, ct).ConfigureAwait(false);
            buf = ArrayPool<byte>.Shared.Rent(4096); // grows with a longer head, up to MaxHeadBytes
            int filled = 0;
            while (true)
            {
                int headEnd;
                if (filled > 0) headDeadline = DateTime.UtcNow + _options.HeadTimeout; // a pipelined head began with the last read
                while ((headEnd = RequestHead.FindEnd(buf.AsSpan(0, filled))) < 0)
                {
                    if (filled >= _options.MaxHeadBytes)
                    {
                        await RefuseAsync(client, inner, pump, 431, $"the request head is over {_options.MaxHeadBytes} bytes").ConfigureAwait(false);
                        return;
                    }
                    // between requests the listener's keep-alive timeout closes the connection (the pump ends it);
                    // within a head, or before the first one, the gate's own timeout runs
                    if (filled == buf.Length) buf = Grow(buf, filled, Math.Min(buf.Length * 2, _options.MaxHeadBytes));
                    // the whole head must arrive by its deadline (a slowloris client sending a byte now and then is closed)
                    var read = clientStream.ReadAsync(buf.AsMemory(filled, Math.Min(buf.Length, _options.MaxHeadBytes) - filled), ct);
                    bool waitingForNext = filled == 0 && inner is not null;
                    var left = headDeadline - DateTime.UtcNow;
                    int n = waitingForNext
                        ? await read.ConfigureAwait(false)
                        : await read.AsTask().WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        await FinishAsync(inner, pump).ConfigureAwait(false);
                        return;
                    }
                    if (waitingForNext) headDeadline = DateTime.UtcNow + _options.HeadTimeout;
                    filled += n;
                }

                var head = RequestHead.Parse(buf.AsSpan(0, headEnd), out int status, out string reason);
                string? allow = null;
                if (head is not null)
                {
                    if (_options.Methods is { } methods && !methods.Contains(head.Method))
                    {
                        (status, reason, allow) = (405, $"method {head.Method} is not allowed here", string.Join(", ", methods));
                        head = null;
                    }
                    else if (!HostAllowed(head.Host))
                    {
                        (status, reason) = (421, $"this server does not answer to host '{head.Host}'");
                        head = null;
                    }
                    else if (head.ContentLength > _options.MaxBodyBytes)
                    {
                        (status, reason) = (413, $"a request body may have at most {_options.MaxBodyBytes} bytes; {head.ContentLength} announced");
                        head = null;
                    }
                }
                if (head is null)
                {
                    await RefuseAsync(client, inner, pump, status, reason, allow).ConfigureAwait(false);
                    return;
                }

                if (inner is null)
                {
                    inner = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    inner.ReceiveBufferSize = InnerWindow;
                    await inner.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ListenerPort), ct).ConfigureAwait(false);
                    innerStream = new NetworkStream(inner, ownsSocket: false);
                    pump = PumpAsync(innerStream, clientStream, connection);
                }
                Interlocked.Increment(ref _passed);
                await innerStream!.WriteAsync(Forwarded(buf, head, client), ct).ConfigureAwait(false);

                // the body, from what came with the head, then from the client
                long body = head.ContentLength;
                int take = (int)Math.Min(body, filled - headEnd);
                if (take > 0) await innerStream.WriteAsync(buf.AsMemory(headEnd, take), ct).ConfigureAwait(false);
                body -= take;
                int rest = filled - headEnd - take;
                Buffer.BlockCopy(buf, headEnd + take, buf, 0, rest);
                filled = rest;
                if (body > buf.Length && buf.Length < PumpBufferSize) buf = Grow(buf, filled, PumpBufferSize);
                while (body > 0)
                {
                    int n = await clientStream.ReadAsync(buf.AsMemory(0, (int)Math.Min(buf.Length, body)), ct).AsTask().WaitAsync(_options.HeadTimeout, ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        abort = true; // a body cut short: the listener must not take it as complete
                        return;
                    }
                    await innerStream.WriteAsync(buf.AsMemory(0, n), ct).ConfigureAwait(false);
                    body -= n;
                }

                if (head.IsUpgrade && _options.AllowUpgrade)
                {
                    // from here on the connection belongs to the protocol it switched to
                    if (buf.Length < PumpBufferSize) buf = Grow(buf, filled, PumpBufferSize);
                    if (filled > 0) await innerStream.WriteAsync(buf.AsMemory(0, filled), ct).ConfigureAwait(false);
                    int n;
                    while ((n = await clientStream.ReadAsync(buf, ct).ConfigureAwait(false)) > 0)
                        await innerStream.WriteAsync(buf.AsMemory(0, n), ct).ConfigureAwait(false);
                    await FinishAsync(inner, pump).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // the client left or stalled, or the listener ended the connection (the pump cancelled the read): which
            // one is known once the pump has ended
            interrupted = true;
        }
        finally
        {
            connection.Cancel();
            bool listenerClosed = pump is not null && await pump.ConfigureAwait(false);
            // a connection the listener closed cleanly ends cleanly (its last answer complete); any other end is a cut
            if (interrupted && !listenerClosed) abort = true;
            if (abort) Abort(client);
            else Close(client);
            inner?.Dispose();
            if (buf is not null) ArrayPool<byte>.Shared.Return(buf);
            _clients.TryRemove(client, out _);
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>A pooled buffer of at least <paramref name="size"/> bytes holding the first <paramref name="filled"/> of <paramref name="buf"/>, which goes back.</summary>
    private static byte[] Grow(byte[] buf, int filled, int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        Buffer.BlockCopy(buf, 0, bigger, 0, filled);
        ArrayPool<byte>.Shared.Return(buf);
        return bigger;
    }

    /// <summary>
    /// Copies the listener's responses to the client. True when the listener closed its side cleanly (FIN), false
    /// when it cut it (a response aborted) or the client stopped taking bytes for the write timeout. Ends the
    /// connection either way: the gate cannot answer on a connection the listener has left.
    /// </summary>
    private async Task<bool> PumpAsync(NetworkStream from, NetworkStream to, CancellationTokenSource connection)
    {
        try
        {
            byte[]? buf = null;
            while (true)
            {
                if (buf is null)
                {
                    // a keep-alive connection between requests holds no buffer: wait for bytes first
                    await from.ReadAsync(Memory<byte>.Empty, connection.Token).ConfigureAwait(false);
                    buf = ArrayPool<byte>.Shared.Rent(PumpBufferSize);
                }
                int n = await from.ReadAsync(buf, connection.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buf);
                    return true;
                }
                // a write abandoned by its timeout may still hold the buffer: then it goes to the GC, not back to the pool
                await to.WriteAsync(buf.AsMemory(0, n), connection.Token).AsTask().WaitAsync(_options.WriteTimeout, connection.Token).ConfigureAwait(false);
                if (from.Socket.Available == 0)
                {
                    ArrayPool<byte>.Shared.Return(buf);
                    buf = null;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            connection.Cancel();
        }
    }

    /// <summary>The request head as the listener gets it: its own Host, the client's address, no hop-by-hop spoofing.</summary>
    private ReadOnlyMemory<byte> Forwarded(byte[] buf, RequestHead head, Socket client)
    {
        var sb = new StringBuilder(head.RequestLine.Length + 256);
        var latin1 = System.Text.Encoding.Latin1;
        sb.Append(latin1.GetString(buf, head.RequestLine.Start, head.RequestLine.Length)).Append("\r\n");
        foreach (var (start, length) in head.FieldLines)
        {
            var line = buf.AsSpan(start, length);
            if (IsField(line, "host"u8) || IsField(line, "x-filfil-client"u8)) continue;
            sb.Append(latin1.GetString(line)).Append("\r\n");
        }
        var peer = (client.RemoteEndPoint as IPEndPoint)?.Address;
        sb.Append("Host: 127.0.0.1:").Append(ListenerPort.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (peer is not null) sb.Append(ClientHeader).Append(": ").Append(peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer).Append("\r\n");
        sb.Append("\r\n");
        return latin1.GetBytes(sb.ToString());
    }

    private static bool IsField(ReadOnlySpan<byte> line, ReadOnlySpan<byte> lowerName) =>
        line.Length > lowerName.Length && line[lowerName.Length] == (byte)':' && Ascii.EqualsIgnoreCase(line[..lowerName.Length], lowerName);

    private bool HostAllowed(string? hostField)
    {
        if (hostField is null || _anyHost) return true; // HTTP/1.0 without Host: the connection's address decides
        string host = hostField.StartsWith('[') ? hostField[..(hostField.IndexOf(']') + 1)] : hostField.Split(':')[0];
        if (_loopbackOnly) return IsLoopbackName(host);
        return host.Equals(_prefixHost, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Answers <paramref name="status"/> itself and closes. Responses the listener still sends for requests passed on
    /// before go out first (its side is shut, so it ends them and closes). The body of the refused request is never
    /// read; what the client sent is drained for a moment (at most 1 MiB, 1 s) so it can read the answer rather than a
    /// reset.
    /// </summary>
    private async Task RefuseAsync(Socket client, Socket? inner, Task<bool>? pump, int status, string reason, string? allow = null)
    {
        Interlocked.Increment(ref _refused);
        Log.Debug("refused a request from {Client:l} with {Status}: {Reason:l}", client.RemoteEndPoint?.ToString() ?? "?", status, reason);
        if (inner is not null)
        {
            try { inner.Shutdown(SocketShutdown.Send); } catch (SocketException) { }
            if (!await pump!.WaitAsync(_options.WriteTimeout).ConfigureAwait(false)) throw new IOException("the listener's answer did not go out");
        }
        var body = System.Text.Encoding.UTF8.GetBytes(reason + "\n");
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase(status)).Append("\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Connection: close\r\n");
        if (allow is not null) head.Append("Allow: ").Append(allow).Append("\r\n");
        head.Append("\r\n");
        byte[] answer = [.. System.Text.Encoding.ASCII.GetBytes(head.ToString()), .. body];
        using var limit = new CancellationTokenSource(_options.WriteTimeout);
        await client.SendAsync(answer, SocketFlags.None, limit.Token).ConfigureAwait(false);
        client.Shutdown(SocketShutdown.Send);
        // lingering close, bounded
        limit.CancelAfter(TimeSpan.FromSeconds(1));
        var drain = ArrayPool<byte>.Shared.Rent(PumpBufferSize);
        try
        {
            for (long total = 0; total < (1 << 20);)
            {
                int n = await client.ReceiveAsync(drain, SocketFlags.None, limit.Token).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException) { }
        finally { ArrayPool<byte>.Shared.Return(drain); }
    }

    /// <summary>The client is done sending: the listener finishes what it was sent, then the connection closes.</summary>
    private static async Task FinishAsync(Socket? inner, Task<bool>? pump)
    {
        if (inner is null) return;
        try { inner.Shutdown(SocketShutdown.Send); } catch (SocketException) { }
        await pump!.ConfigureAwait(false);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };

    private static void Close(Socket s)
    {
        try { s.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        s.Dispose();
    }

    /// <summary>Closes with a reset: the client sees a cut connection, not a complete response.</summary>
    private static void Abort(Socket s)
    {
        try { s.LingerState = new LingerOption(true, 0); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        s.Dispose();
    }

    /// <summary>Stops taking connections and releases the public port; open connections go on until <see cref="Dispose"/>.</summary>
    public void StopAccepting()
    {
        _accepting = false;
        _accept?.Dispose();
    }

    /// <summary>Stops accepting, cuts every open connection and stops the listener behind.</summary>
    public void Dispose()
    {
        StopAccepting();
        _stop.Cancel();
        foreach (var c in _clients.Keys) Abort(c);
        try { _acceptLoop?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        if (Listener is not null) HttpListenerLifetime.Stop(Listener);
    }

    /// <summary>An HttpListener prefix's host (IPv6 in brackets, <c>+</c>, <c>*</c>), port (80 when absent) and path.</summary>
    internal static (string Host, int Port, string Path) SplitPrefix(string prefix)
    {
        int start = prefix.IndexOf("://", StringComparison.Ordinal) + 3;
        int slash = prefix.IndexOf('/', start);
        string hostPort = prefix[start..slash];
        string host;
        int port = 80;
        if (hostPort.StartsWith('['))
        {
            int close = hostPort.IndexOf(']');
            host = hostPort[..(close + 1)];
            if (close + 1 < hostPort.Length) port = int.Parse(hostPort[(close + 2)..], CultureInfo.InvariantCulture);
        }
        else
        {
            int colon = hostPort.LastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort[..colon];
            if (colon >= 0) port = int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture);
        }
        return (host, port, prefix[slash..]);
    }

    /// <summary>The address HttpListener would bind for a prefix host: any for + and *, else the host's first address.</summary>
    private static IPAddress BindAddress(string host)
    {
        if (host is "+" or "*") return IPAddress.Any;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return ip;
        try
        {
            return Dns.GetHostAddresses(host)[0];
        }
        catch (SocketException e)
        {
            throw new HttpListenerException((int)e.SocketErrorCode, $"cannot resolve the prefix host '{host}': {e.Message}");
        }
    }

    /// <summary>True for <c>localhost</c> and loopback addresses (IPv6 with or without brackets).</summary>
    internal static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
