namespace FilFil.Devnet.Rpc;

/// <summary>
/// The reply bytes all connections of a server have waiting for their clients, against one bound. Each connection
/// counts its outbox here as it queues and writes (or drops) replies. When a reply takes the sum past the bound, the
/// connections holding the most are closed until it is under again (their outboxes are dropped at once, so the bytes
/// return at once, and one overflow closes no more connections than it needs).
/// </summary>
internal sealed class ReplyBudget(Func<IReadOnlyCollection<WsConnection>> connections)
{
    private readonly object _relief = new();
    private long _used, _peak, _limit = DevnetServer.DefaultMaxServerQueuedBytes;

    /// <summary>The most bytes queued at once before connections are closed.</summary>
    public long Limit
    {
        get => Interlocked.Read(ref _limit);
        set { ArgumentOutOfRangeException.ThrowIfLessThan(value, 1); Interlocked.Exchange(ref _limit, value); }
    }

    /// <summary>Bytes queued now.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>The most bytes queued at once.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>Counts <paramref name="bytes"/> queued; true when the sum is now past the bound (call <see cref="Relieve"/>, holding no outbox lock).</summary>
    public bool Add(long bytes)
    {
        long now = Interlocked.Add(ref _used, bytes);
        long peak;
        while ((peak = Interlocked.Read(ref _peak)) < now && Interlocked.CompareExchange(ref _peak, now, peak) != peak) { }
        return now > Limit;
    }

    /// <summary>Counts <paramref name="bytes"/> written or dropped.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);

    /// <summary>Closes the connections holding the most queued bytes until the sum is within the bound.</summary>
    public void Relieve()
    {
        lock (_relief) // one at a time: a second caller sees the bytes the first one freed
        {
            while (Used > Limit)
            {
                var biggest = connections().MaxBy(c => c.QueuedBytes);
                if (biggest is null || biggest.QueuedBytes == 0) return; // the rest is being released
                biggest.Abort(WsConnection.CloseReason.ServerQueueFull);
            }
        }
    }
}
