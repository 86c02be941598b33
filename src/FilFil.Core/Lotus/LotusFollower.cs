using System.Net.WebSockets;
using FilFil.Core.Snapshot;
using FilFil.Core.Store;

namespace FilFil.Core.Lotus;

/// <summary>
/// Keeps an <see cref="Engine"/> on a Lotus node's head: ChainNotify batches drive Revert/Apply in order, missing
/// blocks come from ChainReadObj (bounded concurrency, verified by the <see cref="RefDag"/>). When the socket drops
/// or the node closes the subscription (slow reader), it reconnects with exponential backoff, resynchronises from
/// the node's head and walks back to the common ancestor with the engine's window (reverting the engine's side,
/// applying the node's side).
/// </summary>
public sealed class LotusFollower
{
    private readonly Engine _engine;
    private readonly Func<CancellationToken, Task<LotusClient>> _connect;

    /// <param name="connect">Opens a new client (called again after every connection loss).</param>
    public LotusFollower(Engine engine, Func<CancellationToken, Task<LotusClient>> connect)
    {
        _engine = engine;
        _connect = connect;
    }

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections opened after the first.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);
    private long _reconnects;

    /// <summary>Progress and fault messages (reconnects, resyncs), for the caller's log.</summary>
    public event Action<string>? Log;

    /// <summary>Raised after each head change has been applied to the engine.</summary>
    public event Action<TipSet>? HeadApplied;

    /// <summary>Follows until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = InitialBackoff;
        bool first = true;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await using var client = await _connect(ct).ConfigureAwait(false);
                if (!first) Interlocked.Increment(ref _reconnects);
                first = false;
                var source = new LotusBlockSource(client);
                await foreach (var batch in client.ChainNotifyAsync(ct).ConfigureAwait(false))
                {
                    backoff = InitialBackoff;
                    await HandleAsync(client, source, batch, ct).ConfigureAwait(false);
                }
                Log?.Invoke("the node closed the head-change subscription; resubscribing");
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is LotusConnectionLostException or WebSocketException or IOException or BlockUnavailableException or LotusRpcException or FilFilFormatException)
            {
                Log?.Invoke($"connection problem ({e.Message}); reconnecting in {backoff.TotalMilliseconds:N0} ms");
                await Task.Delay(backoff, ct).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    private async Task HandleAsync(LotusClient client, LotusBlockSource source, IReadOnlyList<HeadChange> batch, CancellationToken ct)
    {
        foreach (var hc in batch)
        {
            var head = _engine.Head;
            switch (hc.Type)
            {
                case "current":
                    await ResyncAsync(client, source, hc.Val, ct).ConfigureAwait(false);
                    break;
                case "revert" when head is not null && head.KeyEquals(hc.Val.Cids):
                    await _engine.RevertAsync(hc.Val, source, ct).ConfigureAwait(false);
                    break;
                case "apply" when head is not null && head.KeyEquals(hc.Val.Parents):
                    await _engine.ApplyAsync(hc.Val, source, ct).ConfigureAwait(false);
                    break;
                case "revert" or "apply":
                    // out of step (e.g. changes lost across a reconnect): resync to what the node now says
                    await ResyncAsync(client, source, await client.ChainHeadAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                    break;
                default:
                    Log?.Invoke($"ignoring head change of type '{hc.Type}'");
                    continue;
            }
            if (_engine.Head is { } h) HeadApplied?.Invoke(h);
        }
    }

    /// <summary>Brings the engine to <paramref name="nodeHead"/> through the common ancestor.</summary>
    private async Task ResyncAsync(LotusClient client, LotusBlockSource source, TipSet nodeHead, CancellationToken ct)
    {
        if (_engine.Head is null)
        {
            Log?.Invoke($"bootstrapping at {nodeHead.Height}");
            await _engine.BootstrapAsync(nodeHead, source, ct).ConfigureAwait(false);
            return;
        }
        var window = _engine.Window;
        var path = new List<TipSet>();
        var ts = nodeHead;
        while (!window.Any(w => w.KeyEquals(ts.Cids)))
        {
            if (ts.Height < window[0].Height)
                throw new InvalidOperationException($"the node's chain leaves the engine's window below height {window[0].Height}: re-import a snapshot");
            path.Add(ts);
            ts = await client.ChainGetTipSetAsync(ts.Parents, ct).ConfigureAwait(false);
        }
        while (!_engine.Head!.KeyEquals(ts.Cids))
            await _engine.RevertAsync(_engine.Head!, source, ct).ConfigureAwait(false);
        for (int i = path.Count - 1; i >= 0; i--)
            await _engine.ApplyAsync(path[i], source, ct).ConfigureAwait(false);
        if (path.Count > 0) Log?.Invoke($"resynced to {nodeHead.Height} from common ancestor {ts.Height}");
    }
}
