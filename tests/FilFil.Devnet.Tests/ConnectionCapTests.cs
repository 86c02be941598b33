using System.Net.WebSockets;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>The devnet server caps open WebSocket connections: one more is refused (503), a closed one frees its slot.</summary>
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
            var until = DateTime.UtcNow.AddSeconds(10);
            while (server.ConnectionCount > 2 && DateTime.UtcNow < until) await Task.Delay(20);
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
}
