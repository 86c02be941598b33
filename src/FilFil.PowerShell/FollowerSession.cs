using System.Diagnostics;
using FilFil.Core.Lotus;
using FilFil.Core.Snapshot;

namespace FilFil.PowerShell;

/// <summary>The follower running in this process (at most one), keeping the session engine on a Lotus node's head.</summary>
internal sealed class FollowerRun
{
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private long _headsApplied;
    private DateTimeOffset? _lastApplied;
    private string? _lastLog;

    public FollowerRun(Engine engine, Uri endpoint, string? token)
    {
        Engine = engine;
        Endpoint = endpoint;
        Token = token;
        Follower = new LotusFollower(engine, ct => LotusClient.ConnectAsync(endpoint, token, ct));
        Follower.HeadApplied += _ =>
        {
            Interlocked.Increment(ref _headsApplied);
            lock (_gate) _lastApplied = DateTimeOffset.Now;
            HeadChanged.Set();
        };
        var log = FilFil.Core.Logging.FilFilLog.For("Follower");
        Follower.Log += m => { lock (_gate) _lastLog = m; log.Information("{Message}", m); };
    }

    public Engine Engine { get; }
    public Uri Endpoint { get; }
    public string? Token { get; }
    public LotusFollower Follower { get; }
    public Task? Task { get; private set; }
    public DateTimeOffset Started { get; } = DateTimeOffset.Now;
    public Stopwatch Clock { get; } = Stopwatch.StartNew();
    /// <summary>Pulsed after every applied head change (waiters re-check the height).</summary>
    public AutoResetEventSlim HeadChanged { get; } = new();
    public long HeadsApplied => Interlocked.Read(ref _headsApplied);
    public DateTimeOffset? LastApplied { get { lock (_gate) return _lastApplied; } }
    public string? LastLog { get { lock (_gate) return _lastLog; } }
    public bool Running => Task is { IsCompleted: false };
    /// <summary>Why the follower stopped on its own, if it did.</summary>
    public Exception? Fault => Task is { IsFaulted: true } t ? t.Exception!.GetBaseException() : null;

    public void Start() => Task = System.Threading.Tasks.Task.Run(() => Follower.RunAsync(_stop.Token));

    public async Task StopAsync()
    {
        _stop.Cancel();
        if (Task is null) return;
        try { await Task.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        HeadChanged.Set();
    }
}

/// <summary>A resettable signal many waiters can poll (a thin wrapper so waits can also watch cancellation).</summary>
internal sealed class AutoResetEventSlim
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    public void Set() => _signal.Release();
    public bool Wait(TimeSpan timeout, CancellationToken ct) => _signal.Wait(timeout, ct);
}

internal static class FollowerSession
{
    private static readonly object Gate = new();
    private static FollowerRun? _run;

    public static FollowerRun? Current { get { lock (Gate) return _run; } }

    /// <summary>The session's follower, or an ObjectNotFound-category error when none was started.</summary>
    public static FollowerRun Require() => Current
        ?? throw new System.Management.Automation.ItemNotFoundException("no follower was started in this session; use Start-FilFilFollower");

    public static void Set(FollowerRun? run) { lock (Gate) _run = run; }
}

/// <summary>Get-FilFilFollower output: where the follower is, what it holds, how it is doing.</summary>
public sealed class FollowerStatus
{
    public required string Endpoint { get; init; }
    public bool Running { get; init; }
    /// <summary>The engine's head height.</summary>
    public long? Height { get; init; }
    public string[] HeadTipSet { get; init; } = [];
    /// <summary>The node's head height when asked (null if the node did not answer).</summary>
    public long? NodeHeight { get; init; }
    /// <summary>Epochs the engine is behind the node.</summary>
    public long? Lag { get; init; }
    public long HeadsApplied { get; init; }
    public DateTimeOffset? LastApplied { get; init; }
    /// <summary>Blocks held in memory (state and messages of the window, headers to genesis).</summary>
    public long Blocks { get; init; }
    public long DataBytes { get; init; }
    /// <summary>Process working set, bytes.</summary>
    public long ProcessRss { get; init; }
    /// <summary>Blocks fetched from the node with ChainReadObj so far.</summary>
    public long BlocksFetched { get; init; }
    /// <summary>Average fetched blocks per second since the start.</summary>
    public double FetchRate { get; init; }
    public long BadBlocksRefused { get; init; }
    public long Reconnects { get; init; }
    public int WindowTipSets { get; init; }
    public DateTimeOffset Started { get; init; }
    /// <summary>Last message of the follower (reconnects, resyncs).</summary>
    public string? LastEvent { get; init; }
    /// <summary>Why it stopped on its own, if it did.</summary>
    public string? Fault { get; init; }

    internal static FollowerStatus From(FollowerRun r, long? nodeHeight)
    {
        var e = r.Engine;
        var head = e.Head;
        return new FollowerStatus
        {
            Endpoint = r.Endpoint.ToString(), Running = r.Running, Height = head?.Height,
            HeadTipSet = head?.Cids.Select(c => c.ToString()).ToArray() ?? [],
            NodeHeight = nodeHeight, Lag = nodeHeight is { } n && head is not null ? Math.Max(0, n - head.Height) : null,
            HeadsApplied = r.HeadsApplied, LastApplied = r.LastApplied, Blocks = e.Store.Count, DataBytes = e.Store.DataBytes,
            ProcessRss = Environment.WorkingSet, BlocksFetched = e.Dag.BlocksFetched,
            FetchRate = e.Dag.BlocksFetched / Math.Max(0.001, r.Clock.Elapsed.TotalSeconds), BadBlocksRefused = e.Dag.BadBlocksRefused,
            Reconnects = r.Follower.Reconnects, WindowTipSets = e.Window.Count, Started = r.Started, LastEvent = r.LastLog,
            Fault = r.Fault?.Message,
        };
    }
}
