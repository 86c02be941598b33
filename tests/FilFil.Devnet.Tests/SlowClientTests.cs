using System.Net.WebSockets;
using System.Text;
using FilFil.Devnet.Rpc;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>
/// One client that writes requests and never reads the replies took the server from 270 MB to 7.6 GB in 20 s while
/// other clients timed out. Requests in flight per connection are now bounded (the connection is not read beyond
/// them), and a client that leaves replies untaken for <see cref="WsConnection.SendTimeout"/> is closed.
/// </summary>
[Collection(SlowClientCollection.Name)]
public class SlowClientTests
{
    private static DevnetOptions Small() => new() { Seed = 3, StateBlocks = 200, AverageBlockSize = 128, ChurnPerEpoch = 8, MessagesPerBlock = 2 };

    /// <summary>Runs <paramref name="test"/> against a server at height 5 with <see cref="WsConnection.SendTimeout"/> set to <paramref name="sendTimeout"/>.</summary>
    private static async Task WithSendTimeoutAsync(TimeSpan sendTimeout, Func<DevnetServer, Task> test)
    {
        var saved = WsConnection.SendTimeout;
        WsConnection.SendTimeout = sendTimeout;
        try
        {
            await using var server = await DevnetServer.StartAsync(Small());
            server.Chain.Advance(5);
            await test(server);
        }
        finally
        {
            WsConnection.SendTimeout = saved;
        }
    }

    [Fact]
    public Task A_client_that_never_reads_is_bounded_then_closed_while_others_are_served() => WithSendTimeoutAsync(TimeSpan.FromSeconds(3), async server =>
    {
        using var flood = new ClientWebSocket();
        await flood.ConnectAsync(server.Endpoint, CancellationToken.None);
        var frame = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainGetGenesis\",\"params\":[]}");
        // write requests, never read; the sends stall once the server stops reading this connection
        using var writing = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int sent = 0;
        var writer = Task.Run(async () =>
        {
            try
            {
                for (; sent < 200_000; sent++)
                    await flood.SendAsync(frame, WebSocketMessageType.Text, true, writing.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException) { }
        });

        // another client is answered meanwhile
        await Task.Delay(1000);
        await using var other = await RawLotusClient.ConnectAsync(server.Endpoint);
        var head = await other.CallAsync("Filecoin.ChainHead").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, head.GetProperty("Height").GetInt64());
        Assert.InRange(server.PeakInFlight, 1, WsConnection.MaxInFlight);

        // the flooding client is closed once a reply waits longer than SendTimeout
        await Poll.UntilAsync(() => server.ConnectionCount <= 1, TimeSpan.FromSeconds(30));
        Assert.Equal(1, server.ConnectionCount);
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(sent < 200_000, $"the server read all {sent} requests of a client that never reads");
        head = await other.CallAsync("Filecoin.ChainHead").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, head.GetProperty("Height").GetInt64());
    });

    /// <summary>
    /// A POST holds a connection slot while it is served; a client that asked for a large answer and never read it
    /// held its slot (and the answer) for ever, so 1,024 of them locked every client out. Its answer now gets the
    /// same <see cref="WsConnection.SendTimeout"/> as a WebSocket reply; then the connection is closed as a slow reader.
    /// </summary>
    [Fact]
    public Task A_post_client_that_never_reads_its_answer_is_closed_after_the_send_timeout_and_frees_its_slot() => WithSendTimeoutAsync(TimeSpan.FromSeconds(2), async server =>
    {
        server.MaxConnections = 1;
        // a batch of 20,000 ChainHead calls: an answer of tens of MB, far more than the socket buffers hold
        string batch = "[" + string.Join(",", Enumerable.Range(1, 20_000).Select(i => $"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"Filecoin.ChainHead\",\"params\":[]}}")) + "]";
        byte[] body = Encoding.ASCII.GetBytes(batch);
        using var tcp = new System.Net.Sockets.TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes($"POST /rpc/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
        await s.WriteAsync(body);
        // never read: the answer stalls, holding the one slot, until the send timeout closes it
        await Poll.UntilAsync(() => server.OpenConnections >= 1, TimeSpan.FromSeconds(30));
        Assert.Equal(1, server.OpenConnections);
        await Poll.UntilAsync(() => server.OpenConnections == 0 && server.SlowReadersClosed > 0, TimeSpan.FromSeconds(60));
        Assert.Equal(0, server.OpenConnections);
        Assert.Equal(1, server.SlowReadersClosed);
        // the slot is free again
        await using var other = await RawLotusClient.ConnectAsync(server.Endpoint);
        Assert.Equal(5, (await other.CallAsync("Filecoin.ChainHead").WaitAsync(TimeSpan.FromSeconds(10))).GetProperty("Height").GetInt64());
    });
}

/// <summary>Tests that change <see cref="WsConnection.SendTimeout"/> (process-wide) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SlowClientCollection
{
    public const string Name = "changes the devnet's send timeout";
}
