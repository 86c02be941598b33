using System.Net.WebSockets;

namespace FilFil.Core.Store;

/// <summary>
/// The one policy for retrying a read from a node: a bounded number of attempts with exponential backoff, retrying
/// only what may succeed on the same connection (method errors, bad bytes). Transport failures and cancellation end
/// at once: the caller reconnects (<see cref="Lotus.LotusFollower"/>) or gives up.
/// </summary>
internal static class Retry
{
    /// <summary>A failure of the connection itself (retrying on it is pointless).</summary>
    public static bool IsTransportFailure(Exception e) => e is IOException or WebSocketException or ObjectDisposedException;

    /// <summary>
    /// Runs <paramref name="op"/> up to <paramref name="attempts"/> times, waiting <paramref name="firstDelay"/> after
    /// the first failure and twice as long after each next one (at most <paramref name="maxDelay"/>, default one
    /// second, <see cref="Backoff"/>). <paramref name="onRetry"/> is told of each failure that will be retried (the
    /// failure, the attempt that failed, the wait before the next). Only failures <paramref name="retryable"/> accepts
    /// (default: all but transport failures and cancellation) are retried. The last failure is thrown.
    /// </summary>
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> op, int attempts, TimeSpan firstDelay,
        Action<Exception, int, TimeSpan>? onRetry, CancellationToken ct, Func<Exception, bool>? retryable = null, TimeSpan? maxDelay = null)
    {
        var backoff = new Backoff(firstDelay, maxDelay ?? TimeSpan.FromSeconds(1));
        for (int attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            TimeSpan delay;
            try
            {
                return await op(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < attempts && e is not OperationCanceledException && !IsTransportFailure(e) && (retryable is null || retryable(e)))
            {
                delay = backoff.Next();
                onRetry?.Invoke(e, attempt, delay);
            }
            if (delay > TimeSpan.Zero) await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Exponential backoff: <see cref="Next"/> returns the first delay, then twice the previous one, at most the
/// maximum; <see cref="Reset"/> starts over. Used by <see cref="Retry"/> and by the follower's reconnects.
/// </summary>
internal struct Backoff
{
    private readonly TimeSpan _first, _max;
    private TimeSpan _next;

    public Backoff(TimeSpan first, TimeSpan max)
    {
        _first = _next = first;
        _max = max;
    }

    /// <summary>The delay to wait now; the one after is twice as long (at most the maximum).</summary>
    public TimeSpan Next()
    {
        var d = _next;
        _next = TimeSpan.FromTicks(Math.Min(_max.Ticks, d.Ticks * 2));
        return d;
    }

    public void Reset() => _next = _first;
}
