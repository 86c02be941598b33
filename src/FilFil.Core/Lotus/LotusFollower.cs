using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Logging;
using FilFil.Core.Store;
using Serilog;
using Serilog.Events;

namespace FilFil.Core.Lotus;

/// <summary>
/// Keeps a <see cref="ChainStore"/> on a Lotus node's head: ChainNotify batches drive Revert/Apply in order, missing
/// blocks come from ChainReadObj (bounded concurrency, verified by the <see cref="RefDag"/>). When the socket drops
/// or the node closes the subscription (slow reader), it reconnects with exponential backoff, resynchronises from
/// the node's head and walks back to the common ancestor with the engine's window (reverting the engine's side,
/// applying the node's side).
/// <para>
/// A block the node keeps failing to give is not a connection problem: each read is retried a few times on the
/// connection (<see cref="RefDag.FetchAttempts"/>), then the connection is dropped and made again; when the same block
/// fails that way on <see cref="BlockFailureLimit"/> connections in a row, the follower stops with a
/// <see cref="BlockUnavailableException"/> naming it (<see cref="BlockUnavailableException.Problem"/>: corrupt, the node
/// served bytes that do not hash to its CID; undecodable, bytes that hash to it but are not DAG-CBOR or not the
/// block header the CID was announced as; unavailable, it answered with an error).
/// </para>
/// <para>
/// A method error of another call (ChainGetGenesis, ChainNotify, ChainHead, ChainGetTipSet) is not a connection
/// problem either: the call is asked again on the same connection with backoff (<see cref="MethodAttempts"/>
/// attempts, from <see cref="InitialBackoff"/> doubling up to <see cref="MaxBackoff"/>), and if the node still answers
/// with an error the follower stops with a <see cref="LotusMethodFailedException"/>. Only transport failures
/// reconnect. Faults that cannot be survived end <see cref="RunAsync"/>; a lost connection never does.
/// </para>
/// <para>
/// It logs through Serilog (<see cref="Logger"/>) with structured properties: connects, reconnects, resyncs and
/// reorgs at Information (<c>Height</c>, <c>TipSet</c>, <c>Reverted</c>, <c>Applied</c>, <c>Elapsed</c>), each head
/// applied at Debug (with <c>Blocks</c>, <c>Bytes</c> held and <c>Lag</c> behind the tipset's timestamp), connection
/// problems at Warning.
/// </para>
/// </summary>
public sealed class LotusFollower
{
    private readonly ChainStore _engine;
    private readonly Func<CancellationToken, Task<LotusClient>> _connect;

    /// <param name="connect">Opens a new client (called again after every connection loss).</param>
    public LotusFollower(ChainStore engine, Func<CancellationToken, Task<LotusClient>> connect)
    {
        _engine = engine;
        _connect = connect;
    }

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connection attempts after the first connection (counted as each starts, so it rises while the node is unreachable).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);
    private long _reconnects;

    /// <summary>Where the follower logs (default: the engine log, source context <see cref="LotusFollower"/>).</summary>
    public ILogger Logger { get; init; } = FilFilLog.For<LotusFollower>();

    /// <summary>The last event: each applied head, and what is logged at Information or above (reconnects, resyncs, reorgs, faults), rendered.</summary>
    public string? LastEvent => Volatile.Read(ref _lastEvent);
    private string? _lastEvent;

    /// <summary>Logs an event and, from Information up, keeps its text as <see cref="LastEvent"/> whatever the log level.</summary>
    private void Log(LogEventLevel level, Exception? error, string template, params object?[] values)
    {
        Logger.Write(level, error, template, values);
        if (level >= LogEventLevel.Information && Logger.BindMessageTemplate(template, values, out var parsed, out var bound))
            Volatile.Write(ref _lastEvent, parsed.Render(bound.ToDictionary(p => p.Name, p => p.Value), CultureInfo.CurrentCulture));
    }

    /// <summary>Raised after each head change has been applied to the engine.</summary>
    public event Action<TipSet>? HeadApplied;

    /// <summary>
    /// A connection counts as healthy, and the reconnect backoff starts over, once it has moved the engine's head or
    /// stayed up this long. A node that accepts and fails at once gets ever longer waits (up to
    /// <see cref="MaxBackoff"/>), not a reconnect every <see cref="InitialBackoff"/>.
    /// </summary>
    public TimeSpan HealthyAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How far back <see cref="FetchRate"/> looks.</summary>
    public TimeSpan FetchRateWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Blocks fetched per second over the last <see cref="FetchRateWindow"/> (from samples taken at each applied
    /// head and each call): 0 when nothing was fetched in that time.
    /// </summary>
    public double FetchRate()
    {
        long fetched = _engine.Stats.BlocksFetched;
        var now = _clock.Elapsed;
        lock (_samples)
        {
            // samples at least a second apart (the newest is moved up instead): the list stays small
            if (_samples.Last!.Previous is { } prev && now - prev.Value.At < TimeSpan.FromSeconds(1)) _samples.Last.Value = (now, fetched);
            else _samples.AddLast((now, fetched));
            // the baseline: the newest sample at or before the window's start (or the oldest one)
            while (_samples.First!.Next is { } next && now - next.Value.At >= FetchRateWindow) _samples.RemoveFirst();
            var (at, then) = _samples.First.Value;
            double seconds = (now - at).TotalSeconds;
            return seconds <= 0 || fetched == then ? 0 : (fetched - then) / seconds;
        }
    }

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly LinkedList<(TimeSpan At, long Fetched)> _samples = new([(TimeSpan.Zero, 0L)]);

    /// <summary>
    /// Connections in a row on which the same block fails (after its retries on each) before the follower stops
    /// with that block's <see cref="BlockUnavailableException"/> (default 3; at least 1). A block that fails once
    /// (a transient fault of the node) costs a reconnect; one the node keeps serving corrupt, or keeps refusing, ends
    /// <see cref="RunAsync"/> instead of a reconnect loop that would never end.
    /// </summary>
    public int BlockFailureLimit { get; init; } = 3;

    /// <summary>
    /// Calls of a method other than a block read that may fail with a method error on one connection before the
    /// follower stops with a <see cref="LotusMethodFailedException"/> (default 8: with the default backoff the node
    /// has about 25 s to answer again; at least 1). Each call that succeeds starts its own count again.
    /// </summary>
    public int MethodAttempts { get; init; } = 8;

    /// <summary>
    /// Follows until <paramref name="ct"/> is cancelled, reconnecting after connection problems. Ends with the fault
    /// the follower cannot survive: <see cref="LotusChainMismatchException"/> (the node serves another chain),
    /// <see cref="BlockUnavailableException"/> (a block failed on <see cref="BlockFailureLimit"/> connections in a row)
    /// or <see cref="LotusMethodFailedException"/> (a method answered with an error <see cref="MethodAttempts"/> times).
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = new Backoff(InitialBackoff, MaxBackoff);
        bool first = true;
        (Cid Cid, int Connections)? failing = null; // the block that failed the last connection(s), and on how many in a row
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var connected = Stopwatch.StartNew();
            var headBefore = _engine.Head;
            if (!first) Interlocked.Increment(ref _reconnects); // counted per attempt, so it rises while reconnecting
            try
            {
                await using var client = await _connect(ct).ConfigureAwait(false);
                connected.Restart();
                if (first) LogAtHead("Connected to the node", null);
                else LogAtHead("Reconnected to the node (reconnect {Reconnects})", Reconnects);
                first = false;
                await CheckGenesisAsync(client, ct).ConfigureAwait(false);
                var source = new LotusBlockSource(client);
                var changes = await AskAsync("Filecoin.ChainNotify", client.SubscribeHeadChangesAsync, ct).ConfigureAwait(false);
                await foreach (var batch in changes.WithCancellation(ct).ConfigureAwait(false))
                    await HandleAsync(client, source, batch, ct).ConfigureAwait(false);
                failing = null;
                if (_engine.Head is { } h)
                    Log(LogEventLevel.Information, null, "The node closed the head-change subscription at {Height}; resubscribing", h.Height);
                else
                    Log(LogEventLevel.Information, null, "The node closed the head-change subscription before the first head; resubscribing");
            }
            // an operation cancelled while ct is not: the socket was aborted under a pending send or call
            catch (Exception e) when (!ct.IsCancellationRequested && e is LotusConnectionLostException or WebSocketException or IOException or BlockUnavailableException or FilFilFormatException or OperationCanceledException)
            {
                first = false;
                if (Healthy(connected.Elapsed, headBefore)) backoff.Reset();
                var wait = backoff.Next();
                if (e is BlockUnavailableException bad && !CameFromTransport(bad))
                {
                    int connections = failing is { } f && f.Cid == bad.Cid ? f.Connections + 1 : 1;
                    failing = (bad.Cid, connections);
                    if (connections >= Math.Max(1, BlockFailureLimit)) throw BlockFault(bad, connections);
                    Log(LogEventLevel.Warning, e, "Block {Cid:l} failed on {Connections} connection(s) in a row, of {Limit} before stopping ({Error:l}); reconnecting in {Backoff}",
                        bad.Cid, connections, BlockFailureLimit, e.Message, wait);
                }
                else
                {
                    failing = null;
                    if (_engine.Head is { } h)
                        Log(LogEventLevel.Warning, e, "Connection problem at {Height} ({Error:l}); reconnecting in {Backoff}", h.Height, e.Message, wait);
                    else
                        Log(LogEventLevel.Warning, e, "Connection problem before the first head ({Error:l}); reconnecting in {Backoff}", e.Message, wait);
                }
                await Task.Delay(wait, ct).ConfigureAwait(false);
                continue;
            }
            if (Healthy(connected.Elapsed, headBefore)) backoff.Reset();
            await Task.Delay(backoff.Next(), ct).ConfigureAwait(false); // a node that closes at once is not a tight loop either
        }
    }

    /// <summary>Logs a connection event with where the engine is: its head's height, or that it holds no chain yet.</summary>
    private void LogAtHead(string what, long? reconnects)
    {
        object?[] args = reconnects is { } n ? [n] : [];
        if (_engine.Head is { } h) Log(LogEventLevel.Information, null, what + "; the engine is at {Height}", [.. args, h.Height]);
        else Log(LogEventLevel.Information, null, what + "; the engine holds no chain yet (bootstrapping from the node's head)", args);
    }

    /// <summary>A block failure that came from the connection itself (RefDag wraps a transport failure of a fetch, or its cancellation).</summary>
    private static bool CameFromTransport(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (Retry.IsTransportFailure(inner) || inner is OperationCanceledException) return true;
        return false;
    }

    /// <summary>The fault the follower stops with when <paramref name="last"/>'s block failed on <paramref name="connections"/> connections in a row.</summary>
    private BlockUnavailableException BlockFault(BlockUnavailableException last, int connections)
    {
        string kind = last.Problem switch
        {
            BlockProblem.Corrupt => "corrupt (bytes that do not hash to it)",
            BlockProblem.Undecodable => "undecodable (bytes that hash to it but do not decode)",
            _ => "unavailable (the node answers with an error)",
        };
        var fault = new BlockUnavailableException(last.Cid,
            $"the node served it {kind} on {connections} connection(s) in a row, each read retried; stopped following " +
            $"(at {Where()}). Last failure: {last.Message}", last, last.Problem);
        Log(LogEventLevel.Error, fault, "Block {Cid:l} is {Kind:l} on the node after {Connections} connection(s) in a row; stopping", last.Cid, BlockUnavailableException.Word(last.Problem), connections);
        return fault;
    }

    /// <summary>Where the engine is, for a fault's message: its head's height, or that it has none yet.</summary>
    private string Where() => _engine.Head is { } h ? $"height {h.Height}" : "no head yet";

    /// <summary>
    /// Calls <paramref name="method"/> (not a block read) through <paramref name="call"/>; a method error is asked again
    /// on this connection with backoff, <see cref="MethodAttempts"/> times in all, then ends the follower with a
    /// <see cref="LotusMethodFailedException"/>. Transport failures and block failures pass through at once.
    /// </summary>
    private async Task<T> AskAsync<T>(string method, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        int attempts = Math.Max(1, MethodAttempts);
        var clock = Stopwatch.StartNew();
        try
        {
            return await Retry.RunAsync(call, attempts, InitialBackoff,
                (e, attempt, wait) => Log(LogEventLevel.Warning, e, "{Method:l} failed (attempt {Attempt} of {Attempts}): {Error:l}; asking again on this connection in {Backoff}",
                    method, attempt, attempts, e.Message, wait),
                ct, e => e is LotusRpcException, MaxBackoff).ConfigureAwait(false);
        }
        catch (LotusRpcException e)
        {
            var fault = new LotusMethodFailedException(method,
                $"the node answered {method} with an error {attempts} time(s) in a row over {clock.Elapsed.TotalSeconds:N1} s on one connection; " +
                $"stopped following (at {Where()}). Last error: {e.Message}", e);
            Log(LogEventLevel.Error, fault, "{Method:l} failed {Attempts} time(s) in a row on the node ({Error:l}); stopping", method, attempts, e.Message);
            throw fault;
        }
    }

    /// <summary>Whether the connection just ended made progress (moved the head) or lasted <see cref="HealthyAfter"/>.</summary>
    private bool Healthy(TimeSpan lasted, TipSet? headBefore) =>
        lasted >= HealthyAfter || _engine.Head is { } now && (headBefore is null || !now.KeyEquals(headBefore.Cids));

    /// <summary>Refuses a node whose genesis is not the engine's (another network behind the same address).</summary>
    private async Task CheckGenesisAsync(LotusClient client, CancellationToken ct)
    {
        if (_engine.Genesis is not { } mine) return; // not bootstrapped yet: the node's chain becomes the engine's
        var theirs = await AskAsync("Filecoin.ChainGetGenesis", client.ChainGetGenesisAsync, ct).ConfigureAwait(false);
        if (theirs.KeyEquals(mine.Cids)) return;
        var e = new LotusChainMismatchException(
            $"the node serves another chain: its genesis is {Key(theirs)}, the engine's is {Key(mine)}; stopped (follow a node of the same network, or start a new engine)");
        Log(LogEventLevel.Error, e, "The node serves another chain (genesis {NodeGenesis:l}, the engine's {Genesis:l}); stopping", Key(theirs), Key(mine));
        throw e;
    }

    private async Task HandleAsync(LotusClient client, LotusBlockSource source, IReadOnlyList<HeadChange> batch, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        int reverted = 0, applied = 0;
        foreach (var hc in batch)
        {
            var head = _engine.Head;
            var step = Stopwatch.StartNew();
            switch (hc.Type)
            {
                case "current":
                    await ResyncAsync(client, source, hc.Val, ct).ConfigureAwait(false);
                    break;
                case "revert" when head is not null && head.KeyEquals(hc.Val.Cids):
                    await _engine.RevertAsync(hc.Val, source, ct).ConfigureAwait(false);
                    reverted++;
                    break;
                case "apply" when head is not null && head.KeyEquals(hc.Val.Parents):
                    await _engine.ApplyAsync(hc.Val, source, ct).ConfigureAwait(false);
                    applied++;
                    break;
                case "revert" or "apply":
                    // out of step (e.g. changes lost across a reconnect): resync to what the node now says
                    await ResyncAsync(client, source, await AskAsync("Filecoin.ChainHead", client.ChainHeadAsync, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                    break;
                default:
                    Log(LogEventLevel.Information, null, "Ignoring a head change of type {Type:l} at {Height}", hc.Type, hc.Val.Height);
                    continue;
            }
            if (_engine.Head is { } h)
            {
                if (Logger.IsEnabled(LogEventLevel.Debug))
                {
                    var stamp = FilFil.Core.Chain.BlockHeader.Decode(h.RawHeaders[0]).Timestamp;
                    var lag = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(stamp, 253_402_300_799UL)); // at most year 9999
                    Logger.Debug("Head {Height} {TipSet:l} applied ({Change}) in {Elapsed}: {Blocks} blocks, {Bytes} bytes held, {Lag} behind its timestamp",
                        h.Height, Key(h), hc.Type, step.Elapsed, _engine.Store.Count, _engine.Store.DataBytes, lag);
                }
                Volatile.Write(ref _lastEvent, string.Create(CultureInfo.CurrentCulture,
                    $"Head {h.Height} {Key(h)} applied ({hc.Type}) at {DateTimeOffset.Now:u}: {_engine.Store.Count} blocks held"));
                FetchRate(); // a sample per head keeps the rate's window filled
                HeadApplied?.Invoke(h);
            }
        }
        if (reverted > 0 && _engine.Head is { } top) Reorg(top, reverted, applied, clock.Elapsed);
    }

    /// <summary>A tipset key as logged: the block CIDs, comma-separated.</summary>
    private static string Key(TipSet ts) => string.Join(",", ts.Cids);

    private void Reorg(TipSet head, int reverted, int applied, TimeSpan elapsed) =>
        Log(LogEventLevel.Information, null, "Reorg: reverted {Reverted} and applied {Applied} tipsets; head {Height} {TipSet:l} in {Elapsed}",
            reverted, applied, head.Height, Key(head), elapsed);

    /// <summary>Brings the engine to <paramref name="nodeHead"/> through the common ancestor.</summary>
    private async Task ResyncAsync(LotusClient client, LotusBlockSource source, TipSet nodeHead, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (_engine.Head is null)
        {
            Log(LogEventLevel.Information, null, "Bootstrapping at {Height} {TipSet:l}", nodeHead.Height, Key(nodeHead));
            await _engine.BootstrapAsync(nodeHead, source, ct).ConfigureAwait(false);
            Log(LogEventLevel.Information, null, "Bootstrapped at {Height} {TipSet:l} in {Elapsed}: {Blocks} blocks, {Bytes} bytes held",
                nodeHead.Height, Key(nodeHead), clock.Elapsed, _engine.Store.Count, _engine.Store.DataBytes);
            return;
        }
        var window = _engine.Window;
        var path = new List<TipSet>();
        var ts = nodeHead;
        while (!window.Any(w => w.KeyEquals(ts.Cids)))
        {
            if (ts.Height < window[0].Height)
                throw new InvalidOperationException($"the node's chain leaves the engine's window below height {window[0].Height}: re-import a snapshot");
            path.Add(ts);
            var parents = ts.Parents;
            ts = await AskAsync("Filecoin.ChainGetTipSet", c => client.ChainGetTipSetAsync(parents, c), ct).ConfigureAwait(false);
        }
        int reverted = 0;
        while (!_engine.Head!.KeyEquals(ts.Cids))
        {
            await _engine.RevertAsync(_engine.Head!, source, ct).ConfigureAwait(false);
            reverted++;
        }
        for (int i = path.Count - 1; i >= 0; i--)
            await _engine.ApplyAsync(path[i], source, ct).ConfigureAwait(false);
        if (path.Count > 0 || reverted > 0)
            Log(LogEventLevel.Information, null, "Resynced to {Height} {TipSet:l} from the common ancestor {AncestorHeight}: reverted {Reverted}, applied {Applied} in {Elapsed}",
                nodeHead.Height, Key(nodeHead), ts.Height, reverted, path.Count, clock.Elapsed);
        if (reverted > 0) Reorg(nodeHead, reverted, path.Count, clock.Elapsed);
    }
}
