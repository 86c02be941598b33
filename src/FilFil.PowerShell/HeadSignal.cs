namespace FilFil.PowerShell;

/// <summary>
/// Counts head changes for waiters that poll the height (a semaphore released once per applied head, so a wait
/// never misses one; waits also watch cancellation).
/// </summary>
internal sealed class HeadSignal
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    public void Set() => _signal.Release();
    public bool Wait(TimeSpan timeout, CancellationToken ct) => _signal.Wait(timeout, ct);
}
