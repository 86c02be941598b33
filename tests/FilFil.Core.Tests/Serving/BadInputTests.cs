using System.Net;
using System.Net.Sockets;
using System.Text;
using FilFil.Core.Serving;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Serving;

/// <summary>Attacks on the listening port: traversal, odd targets, many idle connections, clients that never read.</summary>
public sealed class BadInputTests(ServedChain chain) : IClassFixture<ServedChain>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("filfil-root-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("filfil-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, true);
        Directory.Delete(_outside, true);
    }

    private ServerSources Sources => chain.Sources();

    [FixtureTheory]
    [InlineData("/snapshots/../../../../etc/passwd")]
    [InlineData("/snapshots/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/snapshots/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/snapshots/%2Fetc%2Fpasswd")]
    [InlineData("/snapshots/..%5c..%5csecret.car")]
    [InlineData("/snapshots//etc/passwd")]
    [InlineData("//etc/passwd")]
    [InlineData("/snapshots/secret.car%00.car")]
    [InlineData("/snapshots/%252e%252e%252fsecret.car")]
    [InlineData("/snapshots/.hidden.car")]
    [InlineData("/snapshots/outside-link.car")]
    [InlineData("/snapshots/inside.car.tmp-1-abc")]
    [InlineData("/snapshots/secret.car")]
    [InlineData("/piece/..%2f..%2fetc%2fpasswd")]
    [InlineData("/ipfs/..%2f..%2fetc%2fpasswd?format=raw")]
    [InlineData("http://127.0.0.1/etc/passwd")]
    [InlineData("*")]
    public async Task Traversal_attempts_are_refused_and_never_reveal_a_file_outside_the_roots(string target)
    {
        File.WriteAllText(Path.Combine(_outside, "secret.car"), "TOP-SECRET outside the root");
        File.WriteAllText(Path.Combine(_root, "inside.car.tmp-1-abc"), "TOP-SECRET being written");
        File.WriteAllText(Path.Combine(_root, ".hidden.car"), "TOP-SECRET hidden");
        File.CreateSymbolicLink(Path.Combine(_root, "outside-link.car"), Path.Combine(_outside, "secret.car"));
        await using var s = new RunningServer(Sources, new ServerOptions { Roots = [_root] });
        long before = s.Server.Requests;
        var (status, text) = await s.RawGetAsync(target);
        Assert.True(status is 400 or 404, $"{target}: {status}");
        Assert.DoesNotContain("TOP-SECRET", text);
        Assert.DoesNotContain("root:", text);
        // refused by the server's own checks, not by HttpListener (the count follows the response, so wait for it)
        if (target.StartsWith('/')) await WaitUntil(() => s.Server.Requests == before + 1, TimeSpan.FromSeconds(5));
    }

    [FixtureFact]
    public async Task Root_files_are_served_by_name_and_symlinks_inside_the_root_are_followed()
    {
        var data = System.Text.Encoding.ASCII.GetBytes(new string('x', 100_000));
        File.WriteAllBytes(Path.Combine(_root, "inside.car"), data);
        File.CreateSymbolicLink(Path.Combine(_root, "alias.car"), Path.Combine(_root, "inside.car"));
        await using var s = new RunningServer(Sources, new ServerOptions { Roots = [_root] });
        Assert.Equal(data, await s.Client.GetByteArrayAsync("snapshots/inside.car"));
        Assert.Equal(data, await s.Client.GetByteArrayAsync("snapshots/alias.car"));
        using var resp = await s.Client.GetAsync("snapshots/missing.car");
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
    }

    [FixtureFact]
    public async Task Only_get_and_head_are_answered()
    {
        await using var s = new RunningServer(Sources);
        foreach (var m in new[] { "POST", "PUT", "DELETE", "OPTIONS", "PATCH" })
        {
            using var resp = await s.Client.SendAsync(new HttpRequestMessage(new HttpMethod(m), "healthz"));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, resp.StatusCode);
            Assert.Contains("GET", string.Join(",", resp.Content.Headers.Allow));
        }
    }

    [FixtureFact]
    public async Task A_client_that_never_reads_is_cut_after_the_write_timeout_while_others_are_served()
    {
        await using var s = new RunningServer(Sources, new ServerOptions { Roots = [_root], WriteTimeout = TimeSpan.FromSeconds(2), MaxConcurrentRequests = 4, ReservedForSmallRequests = 0 });
        var stalled = await StallAsync(s, 3);
        try
        {
            // the fourth slot still serves others, again and again
            var p = chain.Pieces.Pieces[0];
            for (int i = 0; i < 5; i++) Assert.Equal(File.ReadAllBytes(p.Path), await s.Client.GetByteArrayAsync($"piece/{p.PieceCidV1}"));
            // the stalled ones are cut and give their slots back
            await WaitUntil(() => s.Server.ActiveRequests == 0, TimeSpan.FromSeconds(20));
            // a stalled client sees a body shorter than its Content-Length: a failure, not a silent success
            var stream = stalled[0].GetStream();
            var buf = new byte[1 << 16];
            long total = 0;
            int n;
            try { while ((n = await stream.ReadAsync(buf)) > 0) total += n; }
            catch (IOException) { }
            Assert.True(total < 256L << 20, $"{total} bytes");
        }
        finally
        {
            foreach (var c in stalled) c.Dispose();
        }
    }

    [FixtureFact]
    public async Task Requests_over_the_limit_get_503_with_retry_after_and_the_server_recovers()
    {
        await using var s = new RunningServer(Sources, new ServerOptions { Roots = [_root], WriteTimeout = TimeSpan.FromSeconds(2), MaxConcurrentRequests = 2, ReservedForSmallRequests = 0 });
        var stalled = await StallAsync(s, 2);
        try
        {
            using (var resp = await s.Client.GetAsync("healthz"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
                Assert.NotNull(resp.Headers.RetryAfter);
            }
            await WaitUntil(() => s.Server.ActiveRequests == 0, TimeSpan.FromSeconds(20));
            using (var resp = await s.Client.GetAsync("healthz")) Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        }
        finally
        {
            foreach (var c in stalled) c.Dispose();
        }
    }

    [FixtureFact]
    public async Task Garbage_on_the_wire_does_not_crash_the_server()
    {
        await using var s = new RunningServer(Sources);
        var rnd = new Random(13);
        for (int i = 0; i < 50; i++)
        {
            using var c = new TcpClient();
            await c.ConnectAsync(IPAddress.Loopback, s.Port);
            var junk = new byte[rnd.Next(1, 4000)];
            rnd.NextBytes(junk);
            if (i % 2 == 0) junk = [.. "GET /"u8.ToArray(), .. junk, .. "\r\n\r\n"u8.ToArray()];
            try { await c.GetStream().WriteAsync(junk); } catch (IOException) { }
        }
        var long1 = new string('a', 20_000);
        var (status, _) = await s.RawGetAsync($"/snapshots/{long1}");
        Assert.True(status is 400 or 404 or 414, status.ToString());
        using var resp = await s.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    [Fact]
    public void Options_are_checked_up_front()
    {
        var sources = new ServerSources(() => null, () => []);
        Assert.Throws<ArgumentException>(() => new SnapshotServer(new ServerOptions { Prefix = "http://127.0.0.1:8080" }, sources));
        Assert.Throws<ArgumentException>(() => new SnapshotServer(new ServerOptions { Prefix = "ftp://127.0.0.1:8080/" }, sources));
        Assert.Throws<DirectoryNotFoundException>(() => new SnapshotServer(new ServerOptions { Roots = ["/no/such/dir/filfil"] }, sources));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnapshotServer(new ServerOptions { MaxCarBytes = 0 }, sources));
        Assert.True(new ServerOptions().IsLoopback);
        Assert.True(new ServerOptions { Prefix = "http://localhost:1/" }.IsLoopback);
        Assert.True(new ServerOptions { Prefix = "http://[::1]:1/" }.IsLoopback);
        Assert.False(new ServerOptions { Prefix = "http://+:8080/" }.IsLoopback);
        Assert.False(new ServerOptions { Prefix = "http://192.168.1.2:8080/" }.IsLoopback);
    }

    /// <summary>
    /// <paramref name="count"/> clients that ask for a 256 MiB root file (sparse: no disk) with a 4 KiB receive buffer
    /// and never read, so the server's writes block; returns once the server handles all of them.
    /// </summary>
    private async Task<List<TcpClient>> StallAsync(RunningServer s, int count)
    {
        var stalled = await StartStalledAsync(s, count);
        await WaitUntil(() => s.Server.ActiveRequests == count, TimeSpan.FromSeconds(10));
        return stalled;
    }

    /// <summary>Opens <paramref name="count"/> never-reading downloads of the 256 MiB root file (see <see cref="StallAsync"/>) without waiting.</summary>
    private async Task<List<TcpClient>> StartStalledAsync(RunningServer s, int count)
    {
        var big = Path.Combine(_root, "big.car");
        if (!File.Exists(big)) using (var f = File.Create(big)) f.SetLength(256L << 20);
        var stalled = new List<TcpClient>();
        for (int i = 0; i < count; i++)
        {
            var c = new TcpClient { ReceiveBufferSize = 4096 };
            await c.ConnectAsync(IPAddress.Loopback, s.Port);
            await c.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /snapshots/big.car HTTP/1.1\r\nHost: {s.Host}\r\n\r\n"));
            stalled.Add(c);
        }
        return stalled;
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
