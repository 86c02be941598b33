namespace FilFil.Core.Serving;

/// <summary>How a <see cref="SnapshotServer"/> listens and what it allows.</summary>
public sealed record ServerOptions
{
    /// <summary>The default prefix: loopback only. Any other host is an explicit choice of the caller.</summary>
    public const string DefaultPrefix = "http://127.0.0.1:8080/";

    /// <summary>An <see cref="System.Net.HttpListener"/> prefix, <c>http://host:port/</c> (must end in '/').</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>Directories whose <c>*.car</c> / <c>*.car.zst</c> files are served by name under <c>/snapshots/</c>.</summary>
    public IReadOnlyList<string> Roots { get; init; } = [];

    /// <summary>Most bytes of one <c>/ipfs/{cid}?format=car</c> response; the stream is cut when the walk would exceed it.</summary>
    public long MaxCarBytes { get; init; } = 64L << 20;

    /// <summary>Requests handled at once; more get 503 with Retry-After at once (idle connections cost no slot).</summary>
    public int MaxConcurrentRequests { get; init; } = 64;

    /// <summary>
    /// Slots of <see cref="MaxConcurrentRequests"/> that downloads (a GET of a piece, a snapshot file or an
    /// <c>/ipfs/</c> block or CAR) may not take: they stay free for small answers (<c>/healthz</c>, HEAD, the
    /// <c>/snapshots</c> listing and latest record, errors), so long or stalled downloads cannot starve them.
    /// </summary>
    public int ReservedForSmallRequests { get; init; } = 8;

    /// <summary>
    /// Downloads one client address may run at once (counted by the remote IP; behind a proxy or NAT all its clients
    /// share one). More get 503 with Retry-After at once, so one host cannot take every download slot.
    /// </summary>
    public int MaxDownloadsPerClient { get; init; } = 16;

    /// <summary>CAR walks of the block store at once (each holds a visited set); more get 503.</summary>
    public int MaxConcurrentCarWalks { get; init; } = 4;

    /// <summary>Bytes of the one buffer a response streams through.</summary>
    public int BufferSize { get; init; } = 128 << 10;

    /// <summary>
    /// A write (one buffer, or the end of the response) the client does not take within this time aborts the
    /// connection, as nginx's <c>send_timeout</c> does between two writes (a client that never reads).
    /// </summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Slowest reading accepted, in bytes a second averaged over <see cref="MinSendRateWindow"/>: a client that takes
    /// the body slower is cut (a client that reads a trickle to keep a slot). 0 turns the check off.
    /// </summary>
    public long MinSendRate { get; init; } = 16 << 10;

    /// <summary>The span over which <see cref="MinSendRate"/> is measured.</summary>
    public TimeSpan MinSendRateWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most ranges in one Range header; more, or ranges adding up to more than the file, get the whole file (RFC 9110 14.2).</summary>
    public int MaxRanges { get; init; } = 64;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Prefix) || !Prefix.EndsWith('/'))
            throw new ArgumentException($"the prefix '{Prefix}' must be an http:// URL ending in '/', e.g. {DefaultPrefix}", nameof(Prefix));
        if (!Uri.TryCreate(Prefix.Replace("://+", "://plus").Replace("://*", "://star"), UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"the prefix '{Prefix}' must be an http:// URL ending in '/', e.g. {DefaultPrefix}", nameof(Prefix));
        if (MaxCarBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxCarBytes), MaxCarBytes, "must be 1 or more");
        if (MaxConcurrentRequests < 1) throw new ArgumentOutOfRangeException(nameof(MaxConcurrentRequests), MaxConcurrentRequests, "must be 1 or more");
        if (ReservedForSmallRequests < 0 || ReservedForSmallRequests >= MaxConcurrentRequests)
            throw new ArgumentOutOfRangeException(nameof(ReservedForSmallRequests), ReservedForSmallRequests, $"must be 0 or more and less than MaxConcurrentRequests ({MaxConcurrentRequests})");
        if (MaxDownloadsPerClient < 1) throw new ArgumentOutOfRangeException(nameof(MaxDownloadsPerClient), MaxDownloadsPerClient, "must be 1 or more");
        if (MinSendRate < 0) throw new ArgumentOutOfRangeException(nameof(MinSendRate), MinSendRate, "must be 0 or more");
        if (MinSendRateWindow <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MinSendRateWindow), MinSendRateWindow, "must be positive");
        if (MaxConcurrentCarWalks < 1) throw new ArgumentOutOfRangeException(nameof(MaxConcurrentCarWalks), MaxConcurrentCarWalks, "must be 1 or more");
        if (BufferSize < 4096) throw new ArgumentOutOfRangeException(nameof(BufferSize), BufferSize, "must be 4096 or more");
        if (WriteTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(WriteTimeout), WriteTimeout, "must be positive");
        if (MaxRanges < 1) throw new ArgumentOutOfRangeException(nameof(MaxRanges), MaxRanges, "must be 1 or more");
        foreach (var r in Roots)
            if (!Directory.Exists(r)) throw new DirectoryNotFoundException($"root directory '{r}' does not exist");
    }

    /// <summary>True when the prefix's host is a loopback address or <c>localhost</c>.</summary>
    public bool IsLoopback => HttpGate.IsLoopbackName(HttpGate.SplitPrefix(Prefix).Host);
}
