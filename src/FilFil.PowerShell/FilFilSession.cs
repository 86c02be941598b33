using FilFil.Core.Chain;
using FilFil.Core.Serving;
using FilFil.Core.Snapshot;
using FilFil.Devnet;
using FilFil.PowerShell.DealClient;

namespace FilFil.PowerShell;

/// <summary>
/// What every FilFil cmdlet of this process shares, in every runspace (a thread job's New-FilFilSnapshot reads the
/// same chain as the console): the chain (the engine), the follower keeping it on a node's head, the devnets and the
/// HTTP server (which serves whatever chain the session holds at each request).
/// The rules between them live here and nowhere else:
/// <list type="bullet">
/// <item>one chain; at most one follower, and it follows that chain;</item>
/// <item>replacing the chain while a follower runs is refused unless the caller asks to stop the follower first;</item>
/// <item>a replaced or dropped chain is disposed, which waits for the snapshot walks still reading it (see
/// <see cref="ChainStore.Dispose"/>): memory is never freed under a walk.</item>
/// </list>
/// Like Lotus's ChainStore, which owns the blockstore and hands out only safe views of it, the session hands the
/// engine to cmdlets but keeps the right to swap it.
/// </summary>
internal sealed class FilFilSession
{
    /// <summary>The process's session.</summary>
    public static FilFilSession Current { get; } = new();

    private readonly object _gate = new();
    private readonly List<DevnetInfo> _devnets = new();
    private ChainStore? _engine;
    private FollowerRun? _follower;
    private SnapshotServer? _server;
    private int _nextDevnetId;
    private EvmEndpoint? _evm;

    // ------------------------------------------------------------------ chain

    /// <summary>The session's chain, or null when it holds none.</summary>
    public ChainStore? ChainStore { get { lock (_gate) return _engine; } }

    /// <summary>The session's chain, or an error naming the ways to load one.</summary>
    public ChainStore RequireEngine() => ChainStore
        ?? throw new InvalidOperationException("no chain is loaded in this session: run Import-FilFilSnapshot or Start-FilFilFollower first, " +
            "or give New-FilFilSnapshot -Bootstrap <snapshot.car> and/or -Lotus <ws://node/rpc/v1>");

    /// <summary>
    /// Makes <paramref name="engine"/> the session's chain and disposes the one it replaces (waiting for walks that
    /// read it). While a follower runs on the current chain: with <paramref name="stopFollower"/> it is stopped first,
    /// otherwise <see cref="FollowerRunningException"/> is thrown and nothing changes (the caller still owns
    /// <paramref name="engine"/>).
    /// </summary>
    public void InstallChain(ChainStore engine, bool stopFollower)
    {
        FollowerRun? running;
        lock (_gate) running = _follower is { Running: true } r && !ReferenceEquals(r.ChainStore, engine) ? r : null;
        if (running is not null)
        {
            if (!stopFollower) throw new FollowerRunningException(running);
            running.StopQuietly();
        }
        ChainStore? old;
        lock (_gate)
        {
            // a follower started meanwhile (another runspace) keeps its chain
            if (_follower is { Running: true } again && !ReferenceEquals(again.ChainStore, engine)) throw new FollowerRunningException(again);
            if (_follower is not null && !ReferenceEquals(_follower.ChainStore, engine)) _follower = null;
            old = ReferenceEquals(_engine, engine) ? null : _engine;
            _engine = engine;
        }
        old?.Dispose();
    }

    /// <summary>Stops the follower (if any) and drops the chain (disposing it once its walks are done).</summary>
    /// <returns>False when the session held nothing.</returns>
    public bool Clear()
    {
        FollowerRun? run;
        ChainStore? engine;
        lock (_gate)
        {
            run = _follower;
            engine = _engine;
        }
        run?.StopQuietly(); // cancels the follower and waits for it to let go of the engine
        lock (_gate)
        {
            if (ReferenceEquals(_follower, run)) _follower = null;
            if (ReferenceEquals(_engine, engine)) _engine = null;
        }
        engine?.Dispose();
        return run is not null || engine is not null;
    }

    // ------------------------------------------------------------------ follower

    /// <summary>The session's follower (running, or stopped with its last status), or null.</summary>
    public FollowerRun? Follower { get { lock (_gate) return _follower; } }

    /// <summary>The session's follower, or an ObjectNotFound-category error when none was started.</summary>
    public FollowerRun RequireFollower() => Follower
        ?? throw new System.Management.Automation.ItemNotFoundException(
            "no follower in this session (none was started, or its chain was replaced or cleared); use Start-FilFilFollower");

    /// <summary>Throws <see cref="FollowerRunningException"/> when a follower is running (before work that would start another).</summary>
    public void EnsureNoFollowerRunning()
    {
        if (Follower is { Running: true } running) throw new FollowerRunningException(running);
    }

    /// <summary>
    /// Starts a follower of <paramref name="endpoint"/> on <paramref name="chain"/>, waits for its first head and
    /// installs it (<see cref="InstallFollower"/>). On any failure the follower is stopped and a
    /// <paramref name="chain"/> that is not the session's (a new one nobody else holds) is disposed.
    /// </summary>
    public FollowerRun StartFollower(ChainStore chain, Uri endpoint, string? token, TimeSpan timeout, CancellationToken ct)
    {
        FollowerRun? run = null;
        try
        {
            run = FollowerRun.StartAndWaitForFirstHead(chain, endpoint, token, timeout, ct);
            InstallFollower(run); // refused when another runspace started a follower meanwhile: that one keeps the chain
            return run;
        }
        catch
        {
            run?.StopQuietly();
            if (!ReferenceEquals(chain, ChainStore)) chain.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes <paramref name="run"/> the session's follower and its engine the session's chain (disposing a previous
    /// chain). Refused while another follower runs: the caller stops <paramref name="run"/>.
    /// </summary>
    public void InstallFollower(FollowerRun run)
    {
        ChainStore? old;
        lock (_gate)
        {
            if (_follower is { Running: true } other && !ReferenceEquals(other, run)) throw new FollowerRunningException(other);
            old = ReferenceEquals(_engine, run.ChainStore) ? null : _engine;
            _engine = run.ChainStore;
            _follower = run;
        }
        old?.Dispose();
    }

    // ------------------------------------------------------------------ devnets

    /// <summary>The devnets started in this process and not stopped.</summary>
    public IReadOnlyList<DevnetInfo> Devnets { get { lock (_gate) return _devnets.ToList(); } }

    /// <summary>Registers a started devnet server under the next id.</summary>
    public DevnetInfo AddDevnet(DevnetServer server, DevnetOptions options, FilFil.Devnet.Evm.DevnetEvm? evm = null)
    {
        lock (_gate)
        {
            var info = new DevnetInfo(++_nextDevnetId, server, options, evm);
            _devnets.Add(info);
            if (evm is not null) _evm = new EvmEndpoint(server.HttpEndpoint, evm.Contract, server.Token);
            return info;
        }
    }

    public bool IsRunning(DevnetInfo devnet) { lock (_gate) return _devnets.Contains(devnet); }

    /// <summary>Removes <paramref name="devnet"/>; true if it was running (the caller stops its server).</summary>
    public bool RemoveDevnet(DevnetInfo devnet)
    {
        lock (_gate)
        {
            if (!_devnets.Remove(devnet)) return false;
            // the session's EVM endpoint was this devnet's: fall back to another running -Evm devnet, or none
            if (devnet.Evm is not null && _evm is not null && _evm.RpcUrl == devnet.Server.HttpEndpoint)
            {
                var other = _devnets.LastOrDefault(d => d.Evm is not null);
                _evm = other is null ? null : new EvmEndpoint(other.Server.HttpEndpoint, other.Evm!.Contract, other.Server.Token);
            }
            return true;
        }
    }

    // ------------------------------------------------------------------ EVM

    /// <summary>
    /// The EVM endpoint of the session's running <c>Start-FilFilDevnet -Evm</c> (set when it starts, cleared when it
    /// stops), or null: the deal-client cmdlets' last fallback for -RpcUrl and -Contract.
    /// </summary>
    public EvmEndpoint? EvmEndpoint
    {
        get { lock (_gate) return _evm; }
        set { lock (_gate) _evm = value; }
    }

    // ------------------------------------------------------------------ server

    /// <summary>The session's HTTP server, or null.</summary>
    public SnapshotServer? Server { get { lock (_gate) return _server; } }

    /// <summary>The session's server, or an ObjectNotFound-category error when none was started.</summary>
    public SnapshotServer RequireServer() => Server
        ?? throw new System.Management.Automation.ItemNotFoundException("no server was started in this session; use Start-FilFilServer");

    /// <summary>
    /// Starts the HTTP server on <paramref name="options"/>: it serves the session's chain as it is at each request
    /// (a chain replaced by Import-FilFilSnapshot or a follower is picked up) and this machine's snapshot catalog.
    /// Refused while one is running.
    /// </summary>
    public SnapshotServer StartServer(ServerOptions options)
    {
        lock (_gate)
        {
            if (_server is { IsListening: true } running)
                throw new InvalidOperationException($"a server is already running on {running.Prefix}; stop it with Stop-FilFilServer");
            var catalog = new CatalogCache(new SnapshotCatalog());
            var server = new SnapshotServer(options, new ServerSources(() => ChainStore, catalog.List));
            server.Start();
            _server = server;
            return server;
        }
    }

    /// <summary>Stops and forgets the session's server; returns it (null when there was none).</summary>
    public SnapshotServer? StopServer()
    {
        SnapshotServer? server;
        lock (_gate)
        {
            server = _server;
            _server = null;
        }
        server?.StopAsync().GetAwaiter().GetResult();
        return server;
    }
}
