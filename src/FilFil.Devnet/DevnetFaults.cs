using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>
/// Fault injection for tests of clients: dropped sockets, slow or failing ChainReadObj, corrupt blocks, forced reorgs.
/// Random faults are drawn from a deterministic stream (the chain seed and a call counter), so a run is repeatable.
/// </summary>
public sealed class DevnetFaults
{
    private readonly DevnetChain _chain;
    private readonly Action _drop;
    private readonly HashSet<Cid> _corrupt = new();
    private long _calls;
    private long _failed, _corrupted, _delayed;

    internal DevnetFaults(DevnetChain chain, Action drop)
    {
        _chain = chain;
        _drop = drop;
    }

    /// <summary>Fraction (0..1) of ChainReadObj calls that fail with a JSON-RPC error (code 1).</summary>
    public double ReadObjFailureRate { get; set; }

    /// <summary>Fraction (0..1) of ChainReadObj calls delayed by <see cref="ReadObjDelay"/>.</summary>
    public double ReadObjDelayRate { get; set; }

    /// <summary>Delay applied to the selected ChainReadObj calls.</summary>
    public TimeSpan ReadObjDelay { get; set; }

    /// <summary>Fraction (0..1) of ChainReadObj calls answered with corrupt bytes (the block with its last byte flipped).</summary>
    public double CorruptRate { get; set; }

    public long ReadObjCalls => Interlocked.Read(ref _calls);
    public long FailedReads => Interlocked.Read(ref _failed);
    public long CorruptedReads => Interlocked.Read(ref _corrupted);
    public long DelayedReads => Interlocked.Read(ref _delayed);

    /// <summary>Serves corrupt bytes for this CID on every ChainReadObj until <see cref="ClearCorruptBlocks"/>.</summary>
    public void CorruptBlock(Cid cid) { lock (_corrupt) _corrupt.Add(cid); }

    public void ClearCorruptBlocks() { lock (_corrupt) _corrupt.Clear(); }

    /// <summary>Aborts every open WebSocket connection (clients see the socket drop, subscriptions end).</summary>
    public void DropConnections() => _drop();

    /// <summary>Replaces the last <paramref name="depth"/> tipsets by a heavier fork now (subscribers get reverts then applies).</summary>
    public DevnetTipSet ForceReorg(int depth) => _chain.Reorg(depth);

    /// <summary>Resets the rates to zero and forgets corrupt CIDs.</summary>
    public void Reset()
    {
        ReadObjFailureRate = ReadObjDelayRate = CorruptRate = 0;
        ReadObjDelay = TimeSpan.Zero;
        ClearCorruptBlocks();
    }

    internal async ValueTask<ReadOnlyMemory<byte>> ReadObjAsync(Cid cid, DevnetChain chain, CancellationToken ct)
    {
        long n = Interlocked.Increment(ref _calls);
        var rng = Rng.For(chain.Options.Seed, "fault", n);
        if (ReadObjDelayRate > 0 && rng.Chance(ReadObjDelayRate) && ReadObjDelay > TimeSpan.Zero)
        {
            Interlocked.Increment(ref _delayed);
            await Task.Delay(ReadObjDelay, ct).ConfigureAwait(false);
        }
        if (ReadObjFailureRate > 0 && rng.Chance(ReadObjFailureRate))
        {
            Interlocked.Increment(ref _failed);
            throw new DevnetRpcException($"blockstore get: devnet injected failure reading {cid}");
        }
        if (!chain.TryGetBlock(cid, out var data)) throw new DevnetRpcException($"blockstore get: ipld: could not find {cid}");
        bool corrupt;
        lock (_corrupt) corrupt = _corrupt.Contains(cid);
        if (corrupt || (CorruptRate > 0 && rng.Chance(CorruptRate)))
        {
            Interlocked.Increment(ref _corrupted);
            var bad = data.ToArray();
            if (bad.Length == 0) return new byte[] { 0xff };
            bad[^1] ^= 0xff;
            return bad;
        }
        return data;
    }
}
