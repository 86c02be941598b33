using System.Net.Http.Headers;
using FilFil.Devnet.Rpc;

namespace FilFil.Devnet.Evm;

/// <summary>
/// Forwards the Ethereum half of the JSON-RPC API (<c>eth_*</c>, <c>net_*</c>, <c>web3_*</c>) arriving on the
/// devnet's <c>/rpc/v1</c> to an EVM node (anvil) over HTTP, so one endpoint serves <c>Filecoin.*</c> and
/// <c>eth_*</c> as a Lotus node with <c>Fevm.EnableEthRPC</c> does. The request object goes upstream as received and
/// the upstream's answer comes back unchanged. Bounded like the rest of the server: at most
/// <see cref="MaxInFlight"/> forwarded requests at once across all clients (the others wait), requests up to the
/// server's own size limit, answers up to <see cref="MaxResponseSize"/>, each within <see cref="Timeout"/>.
/// Subscriptions (<c>eth_subscribe</c>) are not forwarded: they need a WebSocket upstream; clients poll
/// <c>eth_getLogs</c> / <c>eth_getFilterChanges</c> instead.
/// </summary>
internal sealed class EthForwarder : IDisposable
{
    public const int MaxInFlight = 64;
    public const long MaxResponseSize = 64 << 20;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);

    public EthForwarder(Uri upstream)
    {
        Upstream = upstream;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout,
            MaxResponseContentBufferSize = MaxResponseSize,
        };
    }

    public Uri Upstream { get; }

    /// <summary>The methods that go to the EVM node.</summary>
    public static bool Handles(string method) =>
        method.StartsWith("eth_", StringComparison.Ordinal) || method.StartsWith("net_", StringComparison.Ordinal) ||
        method.StartsWith("web3_", StringComparison.Ordinal);

    /// <summary>Sends one request object upstream and returns the upstream's response frame (newline-terminated, as go-jsonrpc writes).</summary>
    public async Task<byte[]> ForwardAsync(string method, string requestJson, string? rawId, CancellationToken ct)
    {
        if (method is "eth_subscribe" or "eth_unsubscribe")
            throw new RpcProtocolException(RpcProtocolException.MethodNotFound,
                $"method '{method}' is not forwarded by the devnet (subscriptions need the EVM node's WebSocket); poll eth_getLogs or eth_getFilterChanges");
        await _inFlight.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var content = new StringContent(requestJson);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var resp = await _http.PostAsync(Upstream, content, ct).ConfigureAwait(false);
            var body = await resp.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (body.Length == 0)
                return RpcFrames.Error(rawId, RpcProtocolException.InternalError, $"the EVM node answered {(int)resp.StatusCode} with no body");
            var frame = new byte[body.Length + 1];
            body.CopyTo(frame, 0);
            frame[^1] = (byte)'\n';
            return frame;
        }
        catch (HttpRequestException e)
        {
            return RpcFrames.Error(rawId, RpcProtocolException.InternalError, $"the EVM node at {Upstream} is unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return RpcFrames.Error(rawId, RpcProtocolException.InternalError, $"the EVM node at {Upstream} did not answer within {Timeout.TotalSeconds:0} s");
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public void Dispose() => _http.Dispose();
}
