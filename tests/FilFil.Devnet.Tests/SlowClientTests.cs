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

    [Fact]
    public async Task A_client_that_never_reads_is_bounded_then_closed_while_others_are_served()
    {
        var saved = WsConnection.SendTimeout;
        WsConnection.SendTimeout = TimeSpan.FromSeconds(3);
        try
        {
            await using var server = await DevnetServer.StartAsync(Small());
            server.Chain.Advance(5);
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
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (server.ConnectionCount > 1 && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.Equal(1, server.ConnectionCount);
            await writer.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(sent < 200_000, $"the server read all {sent} requests of a client that never reads");
            head = await other.CallAsync("Filecoin.ChainHead").WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(5, head.GetProperty("Height").GetInt64());
        }
        finally
        {
            WsConnection.SendTimeout = saved;
        }
    }
}

/// <summary>Tests that change <see cref="WsConnection.SendTimeout"/> (process-wide) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SlowClientCollection
{
    public const string Name = "changes the devnet's send timeout";
}
