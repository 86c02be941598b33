using System.Net;

namespace FilFil.Core.Serving;

/// <summary>
/// One request and its response: status, headers and body writes that count bytes, time out on a client that does
/// not read or reads too slowly (the connection is aborted, so a stalled client costs one buffer for at most the
/// write timeout), and remember whether the status line has gone out (after that an error can only cut the stream).
/// </summary>
internal sealed class Exchange
{
    private readonly HttpListenerContext _ctx;
    private readonly TimeSpan _writeTimeout;
    private readonly long _minRate;
    private readonly TimeSpan _rateWindow;
    private readonly CancellationToken _ct;
    private readonly System.Diagnostics.Stopwatch _window = new();
    private long _windowBytes;

    public Exchange(HttpListenerContext ctx, ServerOptions options, CancellationToken ct)
    {
        _ctx = ctx;
        _writeTimeout = options.WriteTimeout;
        _minRate = options.MinSendRate;
        _rateWindow = options.MinSendRateWindow;
        _ct = ct;
    }

    public HttpListenerRequest Request => _ctx.Request;
    public HttpListenerResponse Response => _ctx.Response;
    public bool IsHead => _ctx.Request.HttpMethod == "HEAD";
    public int Status => _ctx.Response.StatusCode;
    public long BytesSent { get; private set; }
    public bool Started { get; private set; }
    public bool Aborted { get; private set; }
    /// <summary>Set when a pending write may still reference the caller's buffer (it must not go back to a pool).</summary>
    public bool BufferAbandoned { get; private set; }
    /// <summary>Why the response ended badly (logged at Warning), or null.</summary>
    public string? Problem { get; set; }
    public CancellationToken Cancellation => _ct;

    public void Header(string name, string value) => _ctx.Response.Headers[name] = value;

    /// <summary>Sends a short text body (errors, 304, 416) with the given status.</summary>
    public async Task SendTextAsync(int status, string text, string contentType = "text/plain; charset=utf-8")
    {
        var body = System.Text.Encoding.UTF8.GetBytes(text.EndsWith('\n') ? text : text + "\n");
        await SendBytesAsync(status, body, contentType).ConfigureAwait(false);
    }

    public async Task SendBytesAsync(int status, byte[] body, string contentType)
    {
        _ctx.Response.StatusCode = status;
        _ctx.Response.ContentType = contentType;
        _ctx.Response.ContentLength64 = body.Length;
        if (!IsHead && body.Length > 0) await WriteAsync(body).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes body bytes; throws <see cref="ClientStalledException"/> (connection aborted) when the client takes no
    /// bytes for the write timeout, or takes them slower than the minimum rate over its window.
    /// </summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data)
    {
        Started = true;
        if (!_window.IsRunning) _window.Start();
        // this write must end by the time the window's bytes, its own included, would have gone out at the minimum rate
        var timeout = _writeTimeout;
        bool rateBound = false;
        if (_minRate > 0)
        {
            var due = TimeSpan.FromSeconds(Math.Max(_rateWindow.TotalSeconds, (double)(_windowBytes + data.Length) / _minRate)) - _window.Elapsed;
            if (due < timeout)
            {
                timeout = due > TimeSpan.FromMilliseconds(1) ? due : TimeSpan.FromMilliseconds(1);
                rateBound = true;
            }
        }
        var pending = _ctx.Response.OutputStream.WriteAsync(data, _ct).AsTask();
        try
        {
            await pending.WaitAsync(timeout, _ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            BufferAbandoned = true;
            _ = pending.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            Abort();
            if (e is TimeoutException)
                throw rateBound ? new ClientStalledException(_minRate, _rateWindow) : new ClientStalledException(_writeTimeout);
            throw;
        }
        BytesSent += data.Length;
        _windowBytes += data.Length;
        if (_minRate > 0 && _window.Elapsed >= _rateWindow)
        {
            // a window kept the rate: the next one starts now
            _window.Restart();
            _windowBytes = 0;
        }
    }

    /// <summary>Cuts the connection (no proper end of body): how a stream that cannot be completed must end.</summary>
    public void Abort()
    {
        if (Aborted) return;
        Aborted = true;
        try { _ctx.Response.Abort(); } catch (Exception e) when (e is ObjectDisposedException or HttpListenerException or IOException) { }
    }

    /// <summary>Ends the response; a close that the client does not let through within the write timeout aborts.</summary>
    public async Task CloseAsync()
    {
        if (Aborted) return;
        var close = Task.Run(() => _ctx.Response.Close());
        try
        {
            await close.WaitAsync(_writeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _ = close.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            Problem ??= "the client did not take the end of the response";
            Abort();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            Problem ??= $"closing the response failed: {e.Message}";
            Aborted = true;
        }
    }

    /// <summary>True when the request's If-None-Match names <paramref name="etag"/> (quoted) or is "*".</summary>
    public bool NotModified(string etag)
    {
        var inm = _ctx.Request.Headers["If-None-Match"];
        if (string.IsNullOrEmpty(inm)) return false;
        foreach (var part in inm.Split(','))
        {
            var p = part.Trim();
            if (p.StartsWith("W/", StringComparison.Ordinal)) p = p[2..];
            if (p == "*" || p == etag) return true;
        }
        return false;
    }

    public static string Quote(string tag) => "\"" + tag + "\"";

    public static byte[] Ascii(string s) => System.Text.Encoding.ASCII.GetBytes(s);
}
