namespace FilFil.Core.Serving;

/// <summary>What an <see cref="HttpGate"/> lets through to the <see cref="System.Net.HttpListener"/> behind it.</summary>
internal sealed record GateOptions
{
    /// <summary>Methods passed on; others get 405 with Allow (null: any method).</summary>
    public IReadOnlyCollection<string>? Methods { get; init; }

    /// <summary>Largest request body passed on; a request announcing more gets 413 before a byte of its body is read.</summary>
    public long MaxBodyBytes { get; init; }

    /// <summary>True to pass on protocol upgrades (WebSocket): after such a request the gate copies bytes both ways.</summary>
    public bool AllowUpgrade { get; init; }

    /// <summary>Largest request head (request line and fields); more gets 431. HttpListener's own limit is 32 KiB.</summary>
    public int MaxHeadBytes { get; init; } = 32 << 10;

    /// <summary>
    /// Time a request head (and then its body) may take to arrive from its first byte, and a new connection to send
    /// its first head: a slowloris client is closed after it. Between requests an open connection waits as long as
    /// the listener keeps it (HttpListener closes it after 15 s).
    /// </summary>
    public TimeSpan HeadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A response write the client takes no byte of for this time cuts the connection.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections open at once; more are closed as they are accepted.</summary>
    public int MaxConnections { get; init; } = 4096;

    internal void Validate()
    {
        if (MaxBodyBytes < 0) throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), MaxBodyBytes, "must be 0 or more");
        if (MaxHeadBytes < 1024) throw new ArgumentOutOfRangeException(nameof(MaxHeadBytes), MaxHeadBytes, "must be 1024 or more");
        if (HeadTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HeadTimeout), HeadTimeout, "must be positive");
        if (WriteTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(WriteTimeout), WriteTimeout, "must be positive");
        if (MaxConnections < 1) throw new ArgumentOutOfRangeException(nameof(MaxConnections), MaxConnections, "must be 1 or more");
    }
}
