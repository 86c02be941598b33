using FilFil.Core.Chain;
using FilFil.Core.Lotus;

namespace FilFil.PowerShell;

/// <summary>The follower running in this process (at most one), keeping the session engine on a Lotus node's head.</summary>
internal sealed class FollowerRun
{
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private long _headsApplied;
    private DateTimeOffset? _lastApplied;

    public FollowerRun(ChainStore engine, Uri endpoint, string? token)
    {
        ChainStore = engine;
        Endpoint = endpoint;
        Token = token;
        Follower = new LotusFollower(engine, ct => LotusClient.ConnectAsync(endpoint, token, ct));
        Follower.HeadApplied += _ =>
        {
            Interlocked.Increment(ref _headsApplied);
            lock (_gate) _lastApplied = DateTimeOffset.Now;
            HeadChanged.Set();
        };
    }

    public ChainStore ChainStore { get; }
    public Uri Endpoint { get; }
    public string? Token { get; }
    public LotusFollower Follower { get; }
    public Task? Task { get; private set; }
    public DateTimeOffset Started { get; } = DateTimeOffset.Now;
    /// <summary>Pulsed after every applied head change (waiters re-check the height).</summary>
    public HeadSignal HeadChanged { get; } = new();
    public long HeadsApplied => Interlocked.Read(ref _headsApplied);
    public DateTimeOffset? LastApplied { get { lock (_gate) return _lastApplied; } }
    public string? LastLog => Follower.LastEvent;
    public bool Running => Task is { IsCompleted: false };
    /// <summary>Why the follower stopped on its own, if it did.</summary>
    public Exception? Fault => Task is { IsFaulted: true } t ? t.Exception!.GetBaseException() : null;

    /// <summary>Smallest window a follower keeps: Lotus's export minimum of recent state roots.</summary>
    public const int MinRecentStateRoots = 900;

    /// <summary>How long Start-FilFilFollower (and New-FilFilSnapshot -Lotus) wait for the first head by default.</summary>
    public static readonly TimeSpan DefaultFirstHeadTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How long the first connection and ChainHead may take before the node counts as unreachable.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Connects once and asks for ChainHead, so a wrong URL, a node that is down or a refused token fails at once
    /// (the follower itself reconnects with backoff for ever, which suits a node that drops later, not a typo).
    /// </summary>
    public static void Probe(Uri endpoint, string? token, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(ProbeTimeout);
        try
        {
            Task.Run(async () =>
            {
                await using var client = await LotusClient.ConnectAsync(endpoint, token, cts.Token).ConfigureAwait(false);
                await client.ChainHeadAsync(cts.Token).ConfigureAwait(false);
            }, cts.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{endpoint} did not answer ChainHead within {ProbeTimeout.TotalSeconds:N0} s");
        }
    }

    /// <summary>Refuses endpoints other than ws:// and wss:// (ChainNotify needs a WebSocket).</summary>
    public static void CheckEndpoint(Uri endpoint)
    {
        // a relative Uri (e.g. 'not a url') has no Scheme to ask for: say what is expected instead of "relative URI"
        if (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("ws" or "wss"))
            throw new ArgumentException($"'{endpoint.OriginalString}' is not a WebSocket URL such as ws://127.0.0.1:1234/rpc/v1 (ws:// or wss://): ChainNotify needs a WebSocket");
    }

    /// <summary>
    /// Starts following <paramref name="endpoint"/> into <paramref name="engine"/> and returns the running follower
    /// once its first head change is applied (the engine then holds the node's head as of the subscription). On
    /// failure, timeout or cancellation the follower is stopped again before the exception propagates; the engine
    /// is left to the caller.
    /// </summary>
    public static FollowerRun StartAndWaitForFirstHead(ChainStore engine, Uri endpoint, string? token, TimeSpan timeout, CancellationToken ct)
    {
        Probe(endpoint, token, ct);
        var run = new FollowerRun(engine, endpoint, token);
        run.Start();
        var until = DateTime.UtcNow + timeout;
        try
        {
            while (engine.Head is null || run.HeadsApplied == 0)
            {
                if (run.Task!.IsCompleted)
                {
                    run.Task.GetAwaiter().GetResult();
                    throw new InvalidOperationException("the follower stopped before applying a head");
                }
                if (DateTime.UtcNow > until)
                    throw new TimeoutException($"no head from {endpoint} within {timeout}{(run.LastLog is { } l ? $" (last: {l})" : "")}");
                run.HeadChanged.Wait(TimeSpan.FromMilliseconds(200), ct);
            }
            return run;
        }
        catch
        {
            run.StopQuietly();
            throw;
        }
    }

    /// <summary>
    /// Blocks until the engine's head reaches <paramref name="height"/>. Throws if the follower stops on its own (its
    /// fault itself, e.g. the <see cref="FilFil.Core.Store.BlockUnavailableException"/> of a block the node keeps
    /// serving corrupt), after <paramref name="timeout"/> (null: no limit), or when <paramref name="ct"/> is cancelled.
    /// </summary>
    public void WaitForHeight(long height, TimeSpan? timeout, CancellationToken ct)
    {
        var until = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
        while ((ChainStore.Head?.Height ?? -1) < height)
        {
            if (Fault is { } fault) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);
            if (!Running)
                throw new InvalidOperationException($"the follower stopped at height {ChainStore.Head?.Height.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}");
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"height {height} not reached within {timeout}; the head is at {ChainStore.Head?.Height}");
            HeadChanged.Wait(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    /// <summary>Epochs a followed chain may lag the node's head before snapshots refuse it (New-FilFilSnapshot -MaxLag).</summary>
    public const long DefaultMaxLag = 10;

    /// <summary>How long the staleness check waits for the node's head.</summary>
    private static readonly TimeSpan StaleCheckTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Why a snapshot of this follower's chain would be stale, or null: the follower stopped with a fault, the node
    /// cannot be asked for its head, or the engine lags it by more than <paramref name="maxLag"/> epochs. A follower
    /// stopped by the user (no fault) is not stale: its chain is what the user kept. The problem name is the ErrorId.
    /// </summary>
    public (string Problem, string Message)? StaleReason(long maxLag, CancellationToken ct)
    {
        long? held = ChainStore.Head?.Height;
        if (Fault is { } f)
            return ("FollowerFaulted", $"the follower on {Endpoint} stopped with a fault at height {held}: {f.Message}");
        if (!Running) return null;
        long node;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            cts.CancelAfter(StaleCheckTimeout);
            try { node = NodeHeadAsync(cts.Token).GetAwaiter().GetResult().Height; }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return ("FollowerLagUnknown", $"the follower on {Endpoint} is at height {held}, and the node's head cannot be asked ({e.Message}), so how far behind it is is unknown");
            }
        }
        long lag = node - (held ?? -1);
        return lag > maxLag
            ? ("FollowerLagging", $"the follower on {Endpoint} is at height {held}, {lag} epochs behind the node's head {node} (more than -MaxLag {maxLag})")
            : null;
    }

    /// <summary>The node's head now (asked over a new connection, closed afterwards).</summary>
    public async Task<TipSet> NodeHeadAsync(CancellationToken ct)
    {
        await using var client = await LotusClient.ConnectAsync(Endpoint, Token, ct).ConfigureAwait(false);
        return await client.ChainHeadAsync(ct).ConfigureAwait(false);
    }

    public void Start() => Task = System.Threading.Tasks.Task.Run(() => Follower.RunAsync(_stop.Token));

    public async Task StopAsync()
    {
        _stop.Cancel();
        if (Task is null) return;
        try { await Task.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        HeadChanged.Set();
    }

    /// <summary>Stops the follower, ignoring the fault it may have stopped with (for cleanup paths).</summary>
    public void StopQuietly()
    {
        try { StopAsync().GetAwaiter().GetResult(); }
        catch (Exception e) { FilFil.Core.Logging.FilFilLog.For("Follower").Debug("follower on {Endpoint} had stopped with: {Error}", Endpoint, e.Message); }
    }
}
