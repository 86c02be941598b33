using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using FilFil.Devnet.Rpc;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>
/// Issue 15's abuse campaign against the devnet server: 8 clients flooding requests without reading kept another
/// client waiting 2-4.6 s, and a 150 MiB message took the process to 1.4-1.8 GiB (the message buffer doubled past
/// its 100 MiB cap and was copied). Requests now run in turns across connections, replies wait in a bounded outbox
/// (a client that lets it fill is closed), and a message is collected in capped segments (1009 past the cap).
/// </summary>
public class ServerBoundsTests
{
    private static DevnetOptions Small() => new() { Seed = 6, StateBlocks = 200, AverageBlockSize = 128, ChurnPerEpoch = 8, MessagesPerBlock = 2 };

    private static readonly byte[] ChainHead = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainHead\",\"params\":[]}");

    /// <summary>Sends ChainHead requests as fast as the socket takes them, never reading, until the server closes the connection or <paramref name="ct"/>.</summary>
    private static async Task<long> FloodAsync(ClientWebSocket ws, CancellationToken ct)
    {
        long sent = 0;
        try
        {
            while (true)
            {
                await ws.SendAsync(ChainHead, WebSocketMessageType.Text, true, ct);
                sent++;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException) { }
        return sent;
    }

    /// <summary>Clients flooding <see cref="FloodAsync"/> until disposed (or 60 s).</summary>
    private sealed class Flooders : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
        private readonly List<ClientWebSocket> _sockets = new();
        private readonly List<Task<long>> _sent = new();

        public static async Task<Flooders> StartAsync(Uri endpoint, int count)
        {
            var f = new Flooders();
            for (int i = 0; i < count; i++)
            {
                var ws = new ClientWebSocket();
                f._sockets.Add(ws);
                await ws.ConnectAsync(endpoint, f._stop.Token);
                f._sent.Add(Task.Run(() => FloodAsync(ws, f._stop.Token)));
            }
            return f;
        }

        /// <summary>Each flooder's loop ended (its connection closed) after sending something.</summary>
        public async Task AssertEachSentAsync()
        {
            foreach (var sent in _sent) Assert.True((await sent.WaitAsync(TimeSpan.FromSeconds(20))) > 0);
        }

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            foreach (var ws in _sockets) ws.Dispose();
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_client_that_never_reads_is_closed_when_its_queued_replies_pass_the_bound_and_others_are_served()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        server.Chain.Advance(4);
        Assert.Equal(WsConnection.DefaultMaxQueuedBytes, server.MaxQueuedBytes);
        server.MaxQueuedBytes = 64 << 10;
        await using (var floods = await Flooders.StartAsync(server.Endpoint, 3))
        {
            // another client is answered while the flooders are connected
            await using (var other = await RawLotusClient.ConnectAsync(server.Endpoint))
            {
                var head = await other.CallAsync("Filecoin.ChainHead").WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(server.Chain.Head.Height, head.GetProperty("Height").GetInt64());
            }
            // each flooder is closed as a slow reader: its replies passed 64 KiB (the 30 s send timeout has not come)
            await Poll.UntilAsync(() => server.SlowReadersClosed >= 3, TimeSpan.FromSeconds(25));
            Assert.Equal(3, server.SlowReadersClosed);
            Assert.Equal(0, server.ConnectionCount);
            await floods.AssertEachSentAsync();
        }
        // the server still serves after the flood, and the flooders' queued replies are released
        await using var after = await RawLotusClient.ConnectAsync(server.Endpoint);
        Assert.Equal(server.Chain.Head.Height, (await after.CallAsync("Filecoin.ChainHead").WaitAsync(TimeSpan.FromSeconds(20))).GetProperty("Height").GetInt64());
        await Poll.UntilAsync(() => server.QueuedBytes == 0, TimeSpan.FromSeconds(10)); // the writer counts a reply off once its send returns
        Assert.Equal(0, server.QueuedBytes);
    }

    /// <summary>
    /// Each connection could hold 4 MiB of replies, so N never-reading connections held N x 4 MiB. The server now
    /// bounds the sum (<see cref="DevnetServer.MaxServerQueuedBytes"/>): when it is reached, the connection holding
    /// the most is closed, and its bytes return at once.
    /// </summary>
    [Fact]
    public async Task When_the_servers_queued_replies_reach_its_bound_the_connection_holding_most_is_closed_and_the_bytes_return()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        server.Chain.Advance(4);
        Assert.Equal(DevnetServer.DefaultMaxServerQueuedBytes, server.MaxServerQueuedBytes);
        const long bound = 256 << 10;
        server.MaxServerQueuedBytes = bound; // each connection may still queue 4 MiB
        await using var reader = await RawLotusClient.ConnectAsync(server.Endpoint);
        await using (var floods = await Flooders.StartAsync(server.Endpoint, 3))
        {
            // a client that reads its replies is served while the flooders fill the server's bound
            for (int i = 0; i < 5; i++)
                Assert.Equal(server.Chain.Head.Height, (await reader.CallAsync("Filecoin.ChainHead").WaitAsync(TimeSpan.FromSeconds(20))).GetProperty("Height").GetInt64());
            // every flooder is closed for the server's bound, none for its own 4 MiB or the send timeout
            await Poll.UntilAsync(() => server.QueueFullClosed >= 3, TimeSpan.FromSeconds(25));
            Assert.Equal(3, server.QueueFullClosed);
            Assert.Equal(0, server.SlowReadersClosed);
            await floods.AssertEachSentAsync();
        }
        // the sum never went past the bound by more than the replies being queued at that moment (a few KiB each)
        Assert.InRange(server.PeakQueuedBytes, bound / 2, bound + (64 << 10));
        // the reader kept its connection; the bytes of the closed ones are back
        Assert.Equal(server.Chain.Head.Height, (await reader.CallAsync("Filecoin.ChainHead").WaitAsync(TimeSpan.FromSeconds(20))).GetProperty("Height").GetInt64());
        Assert.Equal(1, server.ConnectionCount);
        await Poll.UntilAsync(() => server.QueuedBytes == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(0, server.QueuedBytes);
    }

    /// <summary>
    /// A POST batch was answered whole, however large: 100 MiB of ChainHead calls (70 bytes each) asks for about
    /// 1.5 million answers of 1-2 KB, gigabytes held at once (three times: the answers, their concatenation, its copy).
    /// A batch's answers now count against <see cref="DevnetServer.MaxServerQueuedBytes"/> as they are made; past it
    /// the batch stops and is answered with an error.
    /// </summary>
    [Fact]
    public async Task A_post_batch_whose_answers_pass_the_servers_reply_bound_is_refused_and_holds_nothing_after()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        server.Chain.Advance(4);
        server.MaxServerQueuedBytes = 64 << 10;
        using var http = new HttpClient();
        static StringContent Batch(int n) => new("[" + string.Join(",", Enumerable.Range(1, n).Select(i => $"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"Filecoin.ChainHead\",\"params\":[]}}")) + "]", Encoding.UTF8, "application/json");

        long handledBefore = server.RequestsHandled;
        using (var big = await http.PostAsync(server.HttpEndpoint, Batch(2000)))
        {
            Assert.Equal(System.Net.HttpStatusCode.InternalServerError, big.StatusCode);
            string text = await big.Content.ReadAsStringAsync();
            Assert.Contains("answers bigger than the server's reply bound", text);
            Assert.True(text.Length < 1024, text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.InRange(server.RequestsHandled - handledBefore, 1, 1999); // it stopped on the way
        Assert.Equal(0, server.QueuedBytes);

        // a batch within the bound is answered whole
        using var small = await http.PostAsync(server.HttpEndpoint, Batch(5));
        Assert.Equal(System.Net.HttpStatusCode.OK, small.StatusCode);
        using var doc = System.Text.Json.JsonDocument.Parse(await small.Content.ReadAsStringAsync());
        Assert.Equal(5, doc.RootElement.GetArrayLength());
        Assert.Equal(server.Chain.Head.Height, doc.RootElement[4].GetProperty("result").GetProperty("Height").GetInt64());
        await Poll.UntilAsync(() => server.QueuedBytes == 0, TimeSpan.FromSeconds(10)); // counted until written
        Assert.Equal(0, server.QueuedBytes);
    }

    [Fact]
    public async Task A_message_over_100_MiB_is_refused_with_1009_as_it_passes_the_cap()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.Endpoint, CancellationToken.None);
        var chunk = new byte[1 << 20];
        chunk.AsSpan().Fill((byte)' ');
        // the server answers 1009 once 100 MiB have come; the client reads while it sends, and stops sending then
        var buf = new byte[4096];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var receiving = ws.ReceiveAsync(buf, wait.Token);
        try
        {
            await ws.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainHead\",\"params\":[\""u8.ToArray(), WebSocketMessageType.Text, false, CancellationToken.None);
            for (int i = 0; i < 150 && !receiving.IsCompleted; i++) await ws.SendAsync(chunk, WebSocketMessageType.Text, false, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException) { } // closed under the sender
        var r = await receiving;
        Assert.Equal(WebSocketMessageType.Close, r.MessageType);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, ws.CloseStatus);
        Assert.Contains("bigger than 104857600 bytes", ws.CloseStatusDescription);
        await Poll.UntilAsync(() => server.TooBigClosed > 0, TimeSpan.FromSeconds(20));
        Assert.Equal(1, server.TooBigClosed);
    }

    [Fact]
    public async Task An_http_body_declared_over_100_MiB_is_refused_without_reading_it()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        var s = tcp.GetStream();
        // a 150 MiB body is announced; 10 bytes of it come, the rest never does
        await s.WriteAsync(Encoding.ASCII.GetBytes($"POST /rpc/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {150L << 20}\r\n\r\n{{\"jsonrpc\""));
        var buf = new byte[8192];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int n = await s.ReadAsync(buf, wait.Token); // before: the server read the body first (and waited for it here)
        string answer = Encoding.ASCII.GetString(buf, 0, n);
        Assert.StartsWith("HTTP/1.1 500", answer);
        Assert.Contains("request bigger than maximum", answer);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
    }
}
