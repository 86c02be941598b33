using System.Net;
using System.Net.Sockets;
using FilFil.Core.Serving;
using Xunit;

namespace FilFil.Core.Tests.Serving;

/// <summary>
/// Findings of issue 15's server-abuse campaign: downloads that are never read took every request slot (so
/// <c>/healthz</c> got 503 for a minute), and a refused 150 MiB request body was read to its end by HttpListener.
/// </summary>
public sealed class AbuseTests(ServedChain chain) : IClassFixture<ServedChain>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("filfil-abuse-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private RunningServer Start(ServerOptions options) => new(chain.Sources(), options with { Roots = [_root] });

    /// <summary>Opens <paramref name="count"/> downloads of a 256 MiB file (sparse) that never read, all from 127.0.0.1.</summary>
    private async Task<List<TcpClient>> NeverReadAsync(RunningServer s, int count)
    {
        var big = Path.Combine(_root, "big.car");
        if (!File.Exists(big)) using (var f = File.Create(big)) f.SetLength(256L << 20);
        var clients = new List<TcpClient>();
        for (int i = 0; i < count; i++)
        {
            var c = new TcpClient { ReceiveBufferSize = 4096 };
            await c.ConnectAsync(IPAddress.Loopback, s.Port);
            await c.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /snapshots/big.car HTTP/1.1\r\nHost: {s.Host}\r\n\r\n"));
            clients.Add(c);
        }
        await WaitUntil(() => s.Server.ActiveRequests + s.Server.Rejected >= count, TimeSpan.FromSeconds(20));
        return clients;
    }

    private static async Task AssertSmallRequestsServedAsync(RunningServer s)
    {
        for (int i = 0; i < 3; i++)
        {
            using (var health = await s.Client.GetAsync("healthz")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using (var list = await s.Client.GetAsync("snapshots")) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            using var head = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "snapshots/big.car"));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(256L << 20, head.Content.Headers.ContentLength);
        }
    }

    [FixtureFact]
    public async Task Downloads_never_read_from_one_address_are_limited_per_client_and_small_requests_are_served()
    {
        // no time limit cuts them during the test: only the per-client limit keeps slots free
        await using var s = Start(new ServerOptions { MaxConcurrentRequests = 8, ReservedForSmallRequests = 0, MaxDownloadsPerClient = 3, WriteTimeout = TimeSpan.FromMinutes(5), MinSendRate = 0 });
        var stalled = await NeverReadAsync(s, 8);
        try
        {
            Assert.Equal(3, s.Server.ActiveRequests);
            Assert.Equal(5, s.Server.Rejected);
            await AssertSmallRequestsServedAsync(s);
            var (status, text) = await s.RawGetAsync("/snapshots/big.car");
            Assert.Equal(503, status);
            Assert.Contains("Retry-After: 1", text, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            foreach (var c in stalled) c.Dispose();
        }
    }

    [FixtureFact]
    public async Task Downloads_never_read_cannot_take_the_slots_kept_for_small_requests()
    {
        await using var s = Start(new ServerOptions { MaxConcurrentRequests = 8, ReservedForSmallRequests = 3, MaxDownloadsPerClient = 100, WriteTimeout = TimeSpan.FromMinutes(5), MinSendRate = 0 });
        var stalled = await NeverReadAsync(s, 8);
        try
        {
            Assert.Equal(5, s.Server.ActiveRequests);
            await AssertSmallRequestsServedAsync(s);
        }
        finally
        {
            foreach (var c in stalled) c.Dispose();
        }
    }

    [FixtureFact]
    public async Task A_client_reading_slower_than_the_minimum_rate_is_cut_long_before_the_write_timeout()
    {
        await using var s = Start(new ServerOptions { WriteTimeout = TimeSpan.FromMinutes(5), MinSendRate = 1 << 20, MinSendRateWindow = TimeSpan.FromSeconds(1) });
        var stalled = await NeverReadAsync(s, 2);
        try
        {
            Assert.Equal(2, s.Server.ActiveRequests);
            // 1 MiB/s over 1 s: the 256 MiB file cannot go out, and the 5 min write timeout is not what cuts it
            await WaitUntil(() => s.Server.ActiveRequests == 0, TimeSpan.FromSeconds(30));
        }
        finally
        {
            foreach (var c in stalled) c.Dispose();
        }
    }

    [FixtureFact]
    public async Task A_refused_request_body_is_not_read_the_connection_is_closed()
    {
        await using var s = Start(new ServerOptions());
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, s.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"POST /healthz HTTP/1.1\r\nHost: {s.Host}\r\nContent-Length: {150L << 20}\r\n\r\n"));
        // the 405 comes without the body being read
        var buf = new byte[4096];
        int n = await stream.ReadAsync(buf).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.StartsWith("HTTP/1.1 405", System.Text.Encoding.ASCII.GetString(buf, 0, n));
        // then the body is refused: the connection is closed, not drained (it was read to its end, 150 MiB, on a pool thread)
        long sent = await BodyWriter.BytesTakenAsync(stream);
        Assert.True(sent < 64L << 20, $"the server read {sent >> 20} MiB of a body it refused");
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > end) throw new TimeoutException("condition not reached in time");
            await Task.Delay(50);
        }
    }
}
