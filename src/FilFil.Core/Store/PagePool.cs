namespace FilFil.Core.Store;

/// <summary>
/// Large native blocks (<see cref="LargePages"/>: 2 MiB aligned, huge-page advised) that a disposed block store gave
/// back, kept for the next store that asks for the same size, so that store does not pay the first touch of fresh
/// memory again. On the 2-vCPU virtual machine this was measured on, the first touch of fresh memory costs about
/// 0.25 ms per MiB with huge pages when the host already backs the pages and up to 5 ms per MiB when it does not
/// (320 MiB of arena: 80 ms to 1.8 s), 3-30 us per 4 KiB page without them; a block written again costs nothing
/// but the write. An import after another one in the same process (Import-FilFilSnapshot again, a follower
/// bootstrapping again, a benchmark's rounds) so reuses the arena and index of the engine it replaced.
/// <para>
/// Bounded twice: at most <see cref="LimitBytes"/> are kept, and whatever was kept for <see cref="KeepFor"/>
/// without being taken is freed (a timer checks while anything is kept), so a cleared engine's memory goes back to
/// the system within about that time. Thread-safe.
/// </para>
/// </summary>
internal sealed unsafe class PagePool : IDisposable
{
    /// <summary>The pool of the process's block stores.</summary>
    public static PagePool Shared { get; } = new(1L << 30, TimeSpan.FromSeconds(60));

    private readonly object _gate = new();
    private readonly List<(nint Ptr, nuint Bytes, long Since)> _kept = new();
    private readonly Timer _timer;
    private bool _timerArmed, _disposed;
    private long _keptBytes;

    /// <param name="limitBytes">Most bytes kept at once (a block given back beyond it is freed).</param>
    /// <param name="keepFor">How long an untaken block is kept.</param>
    public PagePool(long limitBytes, TimeSpan keepFor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitBytes);
        if (keepFor <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(keepFor), keepFor, "must be positive");
        (LimitBytes, KeepFor) = (limitBytes, keepFor);
        _timer = new Timer(static s => ((PagePool)s!).Trim(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public long LimitBytes { get; }
    public TimeSpan KeepFor { get; }

    /// <summary>Bytes kept now.</summary>
    public long KeptBytes { get { lock (_gate) return _keptBytes; } }

    /// <summary>Blocks handed out again instead of allocated (for tests and benchmarks).</summary>
    public long Reused => Interlocked.Read(ref _reused);
    private long _reused;

    /// <summary>
    /// A block of <paramref name="bytes"/>: one kept of exactly that size (the most recently given back: the
    /// likeliest still in the caches), else a new one. <paramref name="zero"/> clears it either way.
    /// </summary>
    public void* Rent(nuint bytes, bool zero)
    {
        if (bytes >= LargePages.Alignment)
        {
            lock (_gate)
            {
                for (int i = _kept.Count - 1; i >= 0; i--)
                {
                    if (_kept[i].Bytes != bytes) continue;
                    void* p = (void*)_kept[i].Ptr;
                    _kept.RemoveAt(i);
                    _keptBytes -= (long)bytes;
                    Interlocked.Increment(ref _reused);
                    if (zero) System.Runtime.InteropServices.NativeMemory.Clear(p, bytes);
                    return p;
                }
            }
        }
        return LargePages.Alloc(bytes, zero);
    }

    /// <summary>Gives back a block from <see cref="Rent"/> (or <see cref="LargePages.Alloc"/>) of <paramref name="bytes"/>: kept while there is room, else freed.</summary>
    public void Return(void* p, nuint bytes)
    {
        if (p == null) return;
        if (bytes >= LargePages.Alignment)
        {
            lock (_gate)
            {
                if (!_disposed && _keptBytes + (long)bytes <= LimitBytes)
                {
                    _kept.Add(((nint)p, bytes, Environment.TickCount64));
                    _keptBytes += (long)bytes;
                    if (!_timerArmed)
                    {
                        _timerArmed = true;
                        _timer.Change(KeepFor, Timeout.InfiniteTimeSpan);
                    }
                    return;
                }
            }
        }
        LargePages.Free(p);
    }

    /// <summary>Frees what was kept longer than <see cref="KeepFor"/> (everything with <paramref name="all"/>).</summary>
    public void Trim(bool all = false)
    {
        var free = new List<nint>();
        lock (_gate)
        {
            long now = Environment.TickCount64, keep = (long)KeepFor.TotalMilliseconds;
            for (int i = _kept.Count - 1; i >= 0; i--)
            {
                if (!all && now - _kept[i].Since < keep) continue;
                free.Add(_kept[i].Ptr);
                _keptBytes -= (long)_kept[i].Bytes;
                _kept.RemoveAt(i);
            }
            // check again when the oldest block left is due
            _timerArmed = _kept.Count > 0 && !_disposed;
            if (_timerArmed)
            {
                long oldest = long.MaxValue;
                foreach (var k in _kept) oldest = Math.Min(oldest, k.Since);
                _timer.Change(TimeSpan.FromMilliseconds(Math.Max(1, oldest + keep - now)), Timeout.InfiniteTimeSpan);
            }
        }
        foreach (var p in free) LargePages.Free((void*)p);
    }

    /// <summary>Frees everything kept and stops the timer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _timer.Dispose();
        Trim(all: true);
    }
}
