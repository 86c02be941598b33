using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>
/// A soak run restarting the devnet server on its port hit ArgumentNullException from StartAsync, then "Address
/// already in use" (docs/reliability.md): the server must come back on the same port at once, every time, even while
/// a client (a follower) keeps reconnecting to it.
/// </summary>
[Collection(RestartCollection.Name)]
public class RestartTests
{
    [Fact]
    public async Task A_server_restarts_on_its_port_at_once_while_clients_reconnect()
    {
        using var chain = new DevnetChain(new DevnetOptions { Seed = 2, StateBlocks = 64, MessagesPerBlock = 1 });
        var server = await DevnetServer.StartAsync(chain);
        int port = server.Port;
        using var stop = new CancellationTokenSource();
        long connects = 0, stuck = 0;
        string? lastError = null;
        // a follower-like client: connects, asks for the head, and reconnects as soon as it is dropped
        var hammer = Task.Run(async () =>
        {
            var request = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"Filecoin.ChainHead","params":[]}""");
            var buffer = new byte[1 << 16];
            while (!stop.IsCancellationRequested)
            {
                using var ws = new ClientWebSocket();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10)); // as a real client: a stuck connection is given up
                try
                {
                    await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/rpc/v1"), timeout.Token);
                    Interlocked.Increment(ref connects);
                    while (!stop.IsCancellationRequested)
                    {
                        await ws.SendAsync(request, WebSocketMessageType.Text, true, timeout.Token);
                        if ((await ws.ReceiveAsync(buffer, timeout.Token)).MessageType == WebSocketMessageType.Close) break;
                        timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    }
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested) { Interlocked.Increment(ref stuck); }
                catch (Exception e) { lastError = e.GetType().Name + ": " + e.Message; } // refused, reset, closed: try again
            }
        });
        try
        {
            for (int i = 0; i < 30; i++)
            {
                long before = Interlocked.Read(ref connects);
                var until = DateTime.UtcNow.AddSeconds(30);
                while (Interlocked.Read(ref connects) == before && DateTime.UtcNow < until) await Task.Delay(5);
                Assert.True(Interlocked.Read(ref connects) > before, $"restart {i}: no client got through ({Interlocked.Read(ref stuck)} stuck connections given up; last client error {lastError})");
                await server.StopAsync();
                chain.Advance(1);
                server = await DevnetServer.StartAsync(chain, port); // at once, no retry
                Assert.Equal(port, server.Port);
            }
        }
        finally
        {
            stop.Cancel();
            await hammer;
            await server.StopAsync();
        }
        Assert.Equal(0, Interlocked.Read(ref stuck)); // every connection of a stopped server was closed, none left hanging
    }

    [Fact]
    public async Task A_stopped_server_releases_its_port_even_with_a_client_mid_handshake()
    {
        using var chain = new DevnetChain(new DevnetOptions { Seed = 2, StateBlocks = 64, MessagesPerBlock = 1 });
        var server = await DevnetServer.StartAsync(chain);
        int port = server.Port;
        for (int i = 0; i < 20; i++)
        {
            // a raw TCP client that opens a connection and sends half an upgrade request, then waits
            using var half = new System.Net.Sockets.TcpClient();
            await half.ConnectAsync(System.Net.IPAddress.Loopback, port);
            await half.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /rpc/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
            await server.StopAsync();
            server = await DevnetServer.StartAsync(chain, port);
        }
        await server.StopAsync();
    }
}

/// <summary>
/// Restarting on a fixed port under a reconnecting client is timing-sensitive on a loaded 2-core host (it failed once
/// in about 15 runs beside other classes), so these tests run alone; the bounds above are generous for the same reason.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RestartCollection
{
    public const string Name = "restarts the devnet server on a fixed port";
}
