using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using FilFil.Core.Logging;
using Serilog;

namespace FilFil.Core.Serving;

/// <summary>
/// The read-only HTTP server of a session (issue 13) on <see cref="HttpListener"/> (pwsh does not load ASP.NET
/// Core): pieces for Boost and Curio (<c>/piece/{cid}</c>), snapshot files and their list for node operators
/// (<c>/snapshots...</c>), blocks and CARs from the engine's block store for trustless gateway clients
/// (<c>/ipfs/{cid}</c>), and <c>/healthz</c>. GET and HEAD only.
/// <para>
/// Limits: at most <see cref="ServerOptions.MaxConcurrentRequests"/> requests are handled at once (the rest get 503
/// with Retry-After immediately), of which downloads (GET of a piece, a snapshot file, <c>/ipfs/</c>) may take all but
/// <see cref="ServerOptions.ReservedForSmallRequests"/>, and one client address at most
/// <see cref="ServerOptions.MaxDownloadsPerClient"/>: long or stalled downloads cannot starve <c>/healthz</c>, HEAD and
/// the listing. An idle or half-sent connection costs no handler (HttpListener reads headers asynchronously and drops
/// idle connections itself); a response streams through one buffer, and a client that stops reading is cut after
/// <see cref="ServerOptions.WriteTimeout"/>, one that reads slower than <see cref="ServerOptions.MinSendRate"/> after
/// <see cref="ServerOptions.MinSendRateWindow"/>. A request with a body (always refused: GET and HEAD only) closes its
/// connection after the answer, so HttpListener does not read the body to reuse it. Every request is logged at Debug
/// (method, target, status, bytes, milliseconds); failures, cut streams and server errors at Warning.
/// </para>
/// </summary>
public sealed class SnapshotServer : IDisposable
{
    private static readonly ILogger Log = FilFilLog.For<SnapshotServer>();
    private readonly ServerSources _sources;
    private readonly SemaphoreSlim _carWalks;
    private readonly ConcurrentDictionary<HttpListenerContext, byte> _live = new();
    private readonly CancellationTokenSource _stop = new();
    private HttpGate? _gate;
    private HttpListener? _listener;
    private Task? _acceptLoop;
    private readonly ConcurrentDictionary<IPAddress, int> _downloadsByClient = new();
    private int _active, _downloads;
    private long _requests, _bytes, _rejected;
    private int _stopped;

    public SnapshotServer(ServerOptions options, ServerSources sources)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sources);
        options.Validate();
        Options = options with { Roots = options.Roots.Select(Path.GetFullPath).ToArray() };
        _sources = sources;
        _carWalks = new SemaphoreSlim(options.MaxConcurrentCarWalks, options.MaxConcurrentCarWalks);
    }

    public ServerOptions Options { get; }
    public string Prefix => Options.Prefix;
    public bool IsListening => _listener?.IsListening == true && _stopped == 0;
    public DateTimeOffset? StartedAt { get; private set; }
    /// <summary>Requests answered (any status).</summary>
    public long Requests => Interlocked.Read(ref _requests);
    /// <summary>Body bytes sent.</summary>
    public long BytesSent => Interlocked.Read(ref _bytes);
    /// <summary>Requests turned away with 503 because <see cref="ServerOptions.MaxConcurrentRequests"/> were running.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);
    /// <summary>Requests being handled now.</summary>
    public int ActiveRequests => Volatile.Read(ref _active);

    /// <summary>Starts listening; throws <see cref="HttpListenerException"/> when the prefix cannot be bound (e.g. the port is taken).</summary>
    public void Start()
    {
        if (_listener is not null) throw new InvalidOperationException("the server was already started");
        // the gate owns the public port and checks each request head before the listener behind it sees a byte
        _gate = HttpGate.Start(Options.Prefix, new GateOptions { Methods = ["GET", "HEAD"], MaxBodyBytes = 0, WriteTimeout = Options.WriteTimeout }, l => l.IgnoreWriteExceptions = false);
        _listener = _gate.Listener;
        StartedAt = DateTimeOffset.UtcNow;
        if (Options.IsLoopback) Log.Information("serving on {Prefix:l}", Options.Prefix);
        else Log.Warning("serving on {Prefix:l}, which is not a loopback address: reachable from other machines", Options.Prefix);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (Volatile.Read(ref _stopped) == 0)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                if (Volatile.Read(ref _stopped) != 0 || !listener.IsListening) return;
                Log.Warning(e, "accepting a request failed");
                continue;
            }
            var client = IsDownload(ctx.Request) ? HttpGate.ClientAddress(ctx.Request) : null;
            if (TryTakeSlot(client) is { } refusal)
            {
                Interlocked.Increment(ref _rejected);
                _ = RejectAsync(ctx, refusal);
                continue;
            }
            _live[ctx] = 0;
            _ = Task.Run(() => HandleAsync(ctx, client));
        }
    }

    /// <summary>
    /// True for a request that streams a file or a CAR (GET of /piece/..., /snapshots/{name}, /ipfs/...): it may last
    /// as long as its client reads, so it counts against the download limits. Everything else answers with a few bytes.
    /// </summary>
    private static bool IsDownload(HttpListenerRequest r)
    {
        if (r.HttpMethod != "GET") return false;
        string path = r.RawUrl ?? "";
        int q = path.IndexOf('?');
        if (q >= 0) path = path[..q];
        if (path.StartsWith("/piece/", StringComparison.Ordinal) || path.StartsWith("/ipfs/", StringComparison.Ordinal)) return true;
        return path.StartsWith("/snapshots/", StringComparison.Ordinal) && path.Length > "/snapshots/".Length && path != "/snapshots/latest";
    }

    /// <summary>Takes a request slot (and a download slot for <paramref name="client"/> when not null); returns why not, or null.</summary>
    private string? TryTakeSlot(IPAddress? client)
    {
        if (Interlocked.Increment(ref _active) > Options.MaxConcurrentRequests)
        {
            Interlocked.Decrement(ref _active);
            return $"the server is handling {Options.MaxConcurrentRequests} requests";
        }
        if (client is null) return null;
        int downloadSlots = Options.MaxConcurrentRequests - Options.ReservedForSmallRequests;
        if (Interlocked.Increment(ref _downloads) > downloadSlots)
        {
            Interlocked.Decrement(ref _downloads);
            Interlocked.Decrement(ref _active);
            return $"the server is running {downloadSlots} downloads";
        }
        if (_downloadsByClient.AddOrUpdate(client, 1, static (_, n) => n + 1) > Options.MaxDownloadsPerClient)
        {
            ReleaseSlot(client);
            return $"{client} is running {Options.MaxDownloadsPerClient} downloads";
        }
        return null;
    }

    private void ReleaseSlot(IPAddress? client)
    {
        if (client is not null)
        {
            // the entry goes when its count reaches 0, so departed clients cost nothing
            while (true)
            {
                int n = _downloadsByClient[client];
                if (n == 1 ? _downloadsByClient.TryRemove(KeyValuePair.Create(client, 1)) : _downloadsByClient.TryUpdate(client, n - 1, n)) break;
            }
            Interlocked.Decrement(ref _downloads);
        }
        Interlocked.Decrement(ref _active);
    }

    private async Task RejectAsync(HttpListenerContext ctx, string refusal)
    {
        var ex = new Exchange(ctx, Options, _stop.Token);
        var clock = Stopwatch.StartNew();
        try
        {
            ex.Header("Retry-After", "1");
            if (ctx.Request.HasEntityBody) ex.Response.KeepAlive = false;
            await ex.SendTextAsync(503, $"{refusal}; retry shortly").ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpListenerException or OperationCanceledException or ObjectDisposedException) { ex.Problem = e.Message; }
        await ex.CloseAsync().ConfigureAwait(false);
        Finish(ex, clock, "rejected: too many requests in flight");
    }

    private async Task HandleAsync(HttpListenerContext ctx, IPAddress? client)
    {
        var clock = Stopwatch.StartNew();
        var ex = new Exchange(ctx, Options, _stop.Token);
        try
        {
            await RouteAsync(ex).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ClientStalledException or IOException or HttpListenerException or OperationCanceledException or ObjectDisposedException)
        {
            ex.Problem ??= e.Message;
            ex.Abort();
        }
        catch (Exception e)
        {
            ex.Problem ??= $"{e.GetType().Name}: {e.Message}";
            Log.Warning(e, "{Method:l} {Target:l} failed", ctx.Request.HttpMethod, Target(ctx));
            if (!ex.Started)
            {
                try { await ex.SendTextAsync(500, "internal error").ConfigureAwait(false); }
                catch (Exception e2) when (e2 is IOException or HttpListenerException or OperationCanceledException or ObjectDisposedException or InvalidOperationException) { ex.Abort(); }
            }
            else ex.Abort();
        }
        finally
        {
            await ex.CloseAsync().ConfigureAwait(false);
            _live.TryRemove(ctx, out _);
            Finish(ex, clock, null); // before the slot is given back, so a stopped server has logged every request
            ReleaseSlot(client);
        }
    }

    private void Finish(Exchange ex, Stopwatch clock, string? note)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, ex.BytesSent);
        double ms = clock.Elapsed.TotalMilliseconds;
        string method = ex.Request.HttpMethod;
        string target = Target(ex);
        // 503 is an answer (no engine yet, a full walk queue) unless it turned a request away: not a server fault
        if (ex.Problem is not null || note is not null || ex.Aborted || (ex.Status >= 500 && ex.Status != 503))
            Log.Warning("{Method:l} {Target:l} {Status:l} {Bytes} bytes {Ms:0.0} ms: {Problem:l}", method, target, ex.Aborted ? "cut" : ex.Status.ToString(CultureInfo.InvariantCulture), ex.BytesSent, ms, ex.Problem ?? note ?? "server error");
        else
            Log.Debug("{Method:l} {Target:l} {Status:l} {Bytes} bytes {Ms:0.0} ms", method, target, ex.Status.ToString(CultureInfo.InvariantCulture), ex.BytesSent, ms);
    }

    private static string Target(Exchange ex) => Target(ex.Request);
    private static string Target(HttpListenerContext ctx) => Target(ctx.Request);
    private static string Target(HttpListenerRequest r)
    {
        var t = r.RawUrl ?? "";
        return t.Length > 300 ? t[..300] + "..." : t;
    }

    private async Task RouteAsync(Exchange ex)
    {
        // The gate refuses bodies and other methods at the public port; these checks hold for a local process that
        // reaches the listener's private port directly. A body is never read: without this, closing the response
        // would make HttpListener read (and drop) all of it, synchronously, to reuse the connection - 150 MiB of POST
        // body held a pool thread for seconds
        if (ex.Request.HasEntityBody) ex.Response.KeepAlive = false;
        if (ex.Request.HttpMethod is not ("GET" or "HEAD"))
        {
            ex.Header("Allow", "GET, HEAD");
            await ex.SendTextAsync(405, "this server is read-only: GET and HEAD").ConfigureAwait(false);
            return;
        }
        if (!RequestTarget.TryParse(ex.Request.RawUrl, out var t, out string error))
        {
            await ex.SendTextAsync(400, error).ConfigureAwait(false);
            return;
        }
        string first = t.Segments.Length == 0 ? "" : t.Segments[0];
        switch (first)
        {
            case "piece":
                await CatalogRoutes.ServePieceAsync(ex, t, _sources, Options).ConfigureAwait(false);
                break;
            case "snapshots":
                await CatalogRoutes.ServeSnapshotsAsync(ex, t, _sources, Options).ConfigureAwait(false);
                break;
            case "ipfs":
                await IpfsGateway.ServeAsync(ex, t, _sources, Options, _carWalks).ConfigureAwait(false);
                break;
            case "healthz" when t.Segments.Length == 1:
                await CatalogRoutes.ServeHealthAsync(ex, _sources).ConfigureAwait(false);
                break;
            default:
                await ex.SendTextAsync(404, "not found: /piece/{pieceCid}, /snapshots, /snapshots/latest, /snapshots/{height}.car, /ipfs/{cid}?format=raw|car, /healthz").ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Stops listening, cuts responses still running after <paramref name="grace"/> and waits for them.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        var listener = _listener;
        if (listener is null) return;
        _stop.CancelAfter(grace ?? TimeSpan.FromSeconds(2));
        _gate!.StopAccepting(); // the public port is released
        HttpListenerLifetime.Stop(listener); // accepts nothing more (never closed after: see there)
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref _active) > 0 && deadline.Elapsed < (grace ?? TimeSpan.FromSeconds(2)) + TimeSpan.FromSeconds(5))
        {
            if (deadline.Elapsed > (grace ?? TimeSpan.FromSeconds(2)))
                foreach (var ctx in _live.Keys) { try { ctx.Response.Abort(); } catch (ObjectDisposedException) { } }
            await Task.Delay(20).ConfigureAwait(false);
        }
        _stop.Cancel();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        _gate.Dispose();
        Log.Information("stopped serving on {Prefix:l} after {Requests} requests, {Bytes} bytes", Options.Prefix, Requests, BytesSent);
    }

    public void Dispose() => StopAsync().GetAwaiter().GetResult();
}
