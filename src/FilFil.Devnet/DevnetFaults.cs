using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>
/// Fault injection for tests of clients: dropped sockets, slow or failing ChainReadObj, corrupt blocks, blocks that
/// hash right but do not decode, method errors of other calls, forced reorgs.
/// Random faults are drawn from a deterministic stream (the chain seed and a call counter), so a run is repeatable.
/// </summary>
public sealed class DevnetFaults
{
    private readonly DevnetChain _chain;
    private readonly Action _drop;
    private readonly HashSet<Cid> _corrupt = new();
    private readonly Dictionary<Cid, (Cid Announced, byte[]? Bytes)> _undecodable = new();
    private readonly Dictionary<string, int> _methodFailures = new(StringComparer.Ordinal);
    private long _calls;
    private long _failed, _corrupted, _delayed, _methodErrors;

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

    /// <summary>Calls answered with an error by <see cref="FailMethod"/>.</summary>
    public long MethodErrors => Interlocked.Read(ref _methodErrors);

    /// <summary>
    /// Answers the next <paramref name="times"/> calls of <paramref name="method"/> (e.g. <c>Filecoin.ChainHead</c>,
    /// <c>Filecoin.ChainNotify</c>) with a JSON-RPC error object (code 1), as a node that cannot serve it; null: every
    /// call until <see cref="Reset"/>. ChainReadObj has its own rates (<see cref="ReadObjFailureRate"/>).
    /// </summary>
    public void FailMethod(string method, int? times = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (times is < 0) throw new ArgumentOutOfRangeException(nameof(times), times, "a count of 0 or more, or null for every call");
        lock (_methodFailures) _methodFailures[method] = times ?? -1;
    }

    /// <summary>Throws the injected error if <paramref name="method"/> is to fail now (<see cref="FailMethod"/>).</summary>
    internal void FailIfInjected(string method)
    {
        lock (_methodFailures)
        {
            if (!_methodFailures.TryGetValue(method, out int left) || left == 0) return;
            if (left > 0) _methodFailures[method] = left - 1;
        }
        Interlocked.Increment(ref _methodErrors);
        throw new DevnetRpcException($"devnet injected failure of {method}");
    }

    /// <summary>
    /// From now on, tipsets name another block in place of the header <paramref name="header"/> (in ChainHead,
    /// ChainNotify, ChainGetTipSet and ChainGetTipSetByHeight answers), one whose bytes hash to their CID but are not a
    /// block header, and ChainReadObj serves those bytes: with <paramref name="messageBytes"/> the header's own messages
    /// root (a TxMeta: valid DAG-CBOR of the wrong shape, as a header CID answered with message bytes), otherwise the
    /// header's bytes cut one byte short (not valid DAG-CBOR), under the CID of those bytes. Returns the CID announced
    /// instead. <see cref="Reset"/> ends it.
    /// </summary>
    public Cid UndecodableHeader(Cid header, bool messageBytes = false)
    {
        if (!_chain.TryGetBlock(header, out var data)) throw new ArgumentException($"{header} is not a block of the devnet", nameof(header));
        var h = FilFil.Core.Chain.BlockHeader.Decode(data.Span);
        byte[]? bytes = messageBytes ? null : data.Span[..^1].ToArray();
        var announced = bytes is null ? h.Messages : Cid.Hash(bytes);
        lock (_undecodable) _undecodable[header] = (announced, bytes);
        return announced;
    }

    /// <summary>The CID a tipset announces for its block <paramref name="header"/> (itself unless <see cref="UndecodableHeader"/> replaced it).</summary>
    internal Cid Announced(Cid header)
    {
        lock (_undecodable) return _undecodable.TryGetValue(header, out var u) ? u.Announced : header;
    }

    /// <summary>Bytes served for a CID announced by <see cref="UndecodableHeader"/> that the chain does not hold.</summary>
    private bool TryGetUndecodable(Cid cid, out ReadOnlyMemory<byte> data)
    {
        lock (_undecodable)
            foreach (var (announced, bytes) in _undecodable.Values)
                if (bytes is not null && announced == cid)
                {
                    data = bytes;
                    return true;
                }
        data = default;
        return false;
    }

    /// <summary>Serves corrupt bytes for this CID on every ChainReadObj until <see cref="ClearCorruptBlocks"/>.</summary>
    public void CorruptBlock(Cid cid) { lock (_corrupt) _corrupt.Add(cid); }

    public void ClearCorruptBlocks() { lock (_corrupt) _corrupt.Clear(); }

    /// <summary>Aborts every open WebSocket connection (clients see the socket drop, subscriptions end).</summary>
    public void DropConnections() => _drop();

    /// <summary>Replaces the last <paramref name="depth"/> tipsets by a heavier fork now (subscribers get reverts then applies).</summary>
    public DevnetTipSet ForceReorg(int depth) => _chain.Reorg(depth);

    /// <summary>Resets the rates to zero and forgets corrupt CIDs, undecodable headers and method failures.</summary>
    public void Reset()
    {
        ReadObjFailureRate = ReadObjDelayRate = CorruptRate = 0;
        ReadObjDelay = TimeSpan.Zero;
        ClearCorruptBlocks();
        lock (_undecodable) _undecodable.Clear();
        lock (_methodFailures) _methodFailures.Clear();
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
        if (!chain.TryGetBlock(cid, out var data) && !TryGetUndecodable(cid, out data)) throw new DevnetRpcException($"blockstore get: ipld: could not find {cid}");
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
