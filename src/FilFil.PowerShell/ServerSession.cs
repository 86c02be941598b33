using FilFil.Core.Serving;
using FilFil.Core.Snapshot;

namespace FilFil.PowerShell;

/// <summary>
/// The HTTP server running in this process (at most one), serving the session's engine (whatever
/// <see cref="EngineSession.Current"/> is at each request, so Import-FilFilSnapshot or a follower swapping the engine
/// is picked up) and the snapshot catalog of this machine.
/// </summary>
internal static class ServerSession
{
    private static readonly object Gate = new();
    private static SnapshotServer? _server;

    public static SnapshotServer? Current { get { lock (Gate) return _server; } }

    /// <summary>The session's server, or an ObjectNotFound-category error when none was started.</summary>
    public static SnapshotServer Require() => Current
        ?? throw new System.Management.Automation.ItemNotFoundException("no server was started in this session; use Start-FilFilServer");

    /// <summary>Starts a server with <paramref name="options"/> and makes it the session's; throws if one is running.</summary>
    public static SnapshotServer Start(ServerOptions options)
    {
        lock (Gate)
        {
            if (_server is { IsListening: true } running)
                throw new InvalidOperationException($"a server is already running on {running.Prefix}; stop it with Stop-FilFilServer");
            var catalog = new CatalogCache(new SnapshotCatalog());
            var server = new SnapshotServer(options, new ServerSources(() => EngineSession.Current, catalog.List));
            server.Start();
            _server = server;
            return server;
        }
    }

    /// <summary>Stops and forgets the session's server; returns it (null when there was none).</summary>
    public static SnapshotServer? Stop()
    {
        SnapshotServer? server;
        lock (Gate)
        {
            server = _server;
            _server = null;
        }
        server?.StopAsync().GetAwaiter().GetResult();
        return server;
    }

    /// <summary>The catalog re-read only when its file changed (a request must not parse the JSON every time).</summary>
    private sealed class CatalogCache(SnapshotCatalog catalog)
    {
        private readonly object _gate = new();
        private (DateTime Written, long Length) _stamp;
        private IReadOnlyList<SnapshotRecord> _records = [];

        public IReadOnlyList<SnapshotRecord> List()
        {
            var fi = new FileInfo(catalog.Path);
            var stamp = fi.Exists ? (fi.LastWriteTimeUtc, fi.Length) : (DateTime.MinValue, -1L);
            lock (_gate)
            {
                if (stamp != _stamp)
                {
                    _records = catalog.List();
                    _stamp = stamp;
                }
                return _records;
            }
        }
    }
}

/// <summary>Start-/Get-/Stop-FilFilServer output.</summary>
public sealed class ServerStatus
{
    public required string Prefix { get; init; }
    public bool Running { get; init; }
    /// <summary>False when the prefix listens beyond this machine.</summary>
    public bool Loopback { get; init; }
    public string[] Roots { get; init; } = [];
    public DateTimeOffset? Started { get; init; }
    public long Requests { get; init; }
    public long BytesSent { get; init; }
    public int ActiveRequests { get; init; }
    /// <summary>Requests turned away with 503 because the in-flight limit was reached.</summary>
    public long Rejected { get; init; }
    public long MaxCarBytes { get; init; }

    internal static ServerStatus From(SnapshotServer s) => new()
    {
        Prefix = s.Prefix, Running = s.IsListening, Loopback = s.Options.IsLoopback, Roots = s.Options.Roots.ToArray(),
        Started = s.StartedAt, Requests = s.Requests, BytesSent = s.BytesSent, ActiveRequests = s.ActiveRequests,
        Rejected = s.Rejected, MaxCarBytes = s.Options.MaxCarBytes,
    };
}
