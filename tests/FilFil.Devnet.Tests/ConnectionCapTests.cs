using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>The devnet server caps open connections (WebSocket, and POST requests being served): one more is refused (503), a closed one frees its slot.</summary>
public class ConnectionCapTests
{
    [Fact]
    public async Task Connections_beyond_the_cap_are_refused_and_a_closed_one_frees_its_slot()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { Seed = 4, StateBlocks = 100, ChurnPerEpoch = 4, MessagesPerBlock = 1 });
        Assert.Equal(DevnetServer.DefaultMaxConnections, server.MaxConnections);
        server.MaxConnections = 3;
        var open = new List<ClientWebSocket>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var c = new ClientWebSocket();
                await c.ConnectAsync(server.Endpoint, CancellationToken.None);
                open.Add(c);
            }
            using (var extra = new ClientWebSocket())
            {
                var e = await Assert.ThrowsAsync<WebSocketException>(() => extra.ConnectAsync(server.Endpoint, CancellationToken.None));
                Assert.Contains("503", e.Message + e.InnerException?.Message, StringComparison.Ordinal);
            }
            Assert.Equal(3, server.ConnectionCount);

            // a client leaves: its slot is free again
            await open[0].CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            open[0].Dispose();
            open.RemoveAt(0);
            await Poll.UntilAsync(() => server.ConnectionCount <= 2, TimeSpan.FromSeconds(10));
            Assert.Equal(2, server.ConnectionCount);
            var again = new ClientWebSocket();
            await again.ConnectAsync(server.Endpoint, CancellationToken.None);
            open.Add(again);
            Assert.Equal(WebSocketState.Open, again.State);
        }
        finally
        {
            foreach (var c in open) c.Dispose();
        }
    }

    /// <summary>
    /// Only WebSocket connections counted: any number of POST requests could be held open at once (each sending its
    /// body slowly, each body up to 100 MiB). A POST being served now holds a slot like a WebSocket; one past the cap
    /// is answered 503 without its body being read, and its connection is closed.
    /// </summary>
    [Fact]
    public async Task A_post_being_served_holds_a_slot_and_one_past_the_cap_is_refused_without_reading_its_body()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { Seed = 4, StateBlocks = 100, ChurnPerEpoch = 4, MessagesPerBlock = 1 });
        server.MaxConnections = 1;
        byte[] body = Encoding.ASCII.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainHead\",\"params\":[]}");
        byte[] Head(long length) => Encoding.ASCII.GetBytes($"POST /rpc/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n");

        // a POST whose body comes slowly holds the one slot
        using var slow = new TcpClient();
        await slow.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        var slowStream = slow.GetStream();
        await slowStream.WriteAsync(Head(body.Length));
        await slowStream.WriteAsync(body.AsMemory(0, 10));
        await Poll.UntilAsync(() => server.OpenConnections >= 1, TimeSpan.FromSeconds(20));
        Assert.Equal(1, server.OpenConnections);

        // a WebSocket is refused
        using (var ws = new ClientWebSocket())
        {
            var e = await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(server.Endpoint, CancellationToken.None));
            Assert.Contains("503", e.Message + e.InnerException?.Message, StringComparison.Ordinal);
        }
        // another POST announcing 50 MiB is refused at once, without its body, and its connection closed
        using (var extra = new TcpClient())
        {
            await extra.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
            var s = extra.GetStream();
            await s.WriteAsync(Head(50L << 20));
            string answer = await ReadAllAsync(s);
            Assert.StartsWith("HTTP/1.1 503", answer);
            Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("too many connections", answer);
        }

        // the slow POST completes and frees its slot
        await slowStream.WriteAsync(body.AsMemory(10));
        var buf = new byte[8192];
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(buf, 0, await slowStream.ReadAsync(buf, wait.Token)));
        await Poll.UntilAsync(() => server.OpenConnections == 0, TimeSpan.FromSeconds(20));
        Assert.Equal(0, server.OpenConnections);
        using var again = new ClientWebSocket();
        await again.ConnectAsync(server.Endpoint, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, again.State);
    }

    /// <summary>
    /// Counting POSTs in the cap let a client that sends its body a byte at a time (or never) hold a slot for ever:
    /// 1,024 of them would lock every client out. A body now has <see cref="DevnetServer.RequestBodyTimeout"/> to come.
    /// </summary>
    [Fact]
    public async Task A_post_whose_body_does_not_come_in_time_is_closed_and_frees_its_slot()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { Seed = 4, StateBlocks = 100, ChurnPerEpoch = 4, MessagesPerBlock = 1 });
        Assert.Equal(TimeSpan.FromSeconds(30), server.RequestBodyTimeout);
        server.MaxConnections = 1;
        server.RequestBodyTimeout = TimeSpan.FromSeconds(1);
        using var slow = new TcpClient();
        await slow.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        var s = slow.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes("POST /rpc/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\""));
        // a byte every 200 ms: never idle, never done
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var trickle = Task.Run(async () =>
        {
            try { while (true) { await Task.Delay(200, stop.Token); await s.WriteAsync(" "u8.ToArray(), stop.Token); } }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
        });
        await Poll.UntilAsync(() => server.OpenConnections >= 1, TimeSpan.FromSeconds(10));
        Assert.Equal(1, server.OpenConnections);
        // closed after about a second: the slot is free, the trickling client's connection is gone
        await Poll.UntilAsync(() => server.OpenConnections == 0 && server.SlowRequestsClosed > 0, TimeSpan.FromSeconds(20));
        Assert.Equal(0, server.OpenConnections);
        Assert.Equal(1, server.SlowRequestsClosed);
        await trickle.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(stop.IsCancellationRequested, "the trickling client was not disconnected");
        stop.Cancel();
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.Endpoint, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, ws.State);
    }

    /// <summary>Reads until the server closes the connection (at most 20 s).</summary>
    private static async Task<string> ReadAllAsync(NetworkStream s)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var all = new MemoryStream();
        var buf = new byte[8192];
        int n;
        while ((n = await s.ReadAsync(buf, wait.Token)) > 0) all.Write(buf, 0, n);
        return Encoding.ASCII.GetString(all.ToArray());
    }
}
