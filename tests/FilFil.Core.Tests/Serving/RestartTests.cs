using System.Net;
using System.Net.Sockets;

using FilFil.Core.Serving;
using Xunit;

namespace FilFil.Core.Tests.Serving;

/// <summary>
/// The managed HttpListener throws ArgumentNullException from Start() when a client connects while it starts, and
/// leaves the socket it bound open ("Address already in use" at the next start): the devnet met it restarting under a
/// reconnecting follower. The HTTP server shares its workaround (<see cref="HttpListenerLifetime"/>): it comes back on its
/// port at once, every time, while a client (Boost or Curio fetching pieces) keeps connecting.
/// </summary>
[Collection(ServerRestartCollection.Name)]
public class RestartTests
{
    [Fact]
    public async Task The_http_server_restarts_on_its_port_at_once_while_a_client_keeps_connecting()
    {
        var sources = new ServerSources(() => null, () => []);
        int port = HttpListenerLifetime.FreePort();
        var options = new ServerOptions { Prefix = $"http://127.0.0.1:{port}/" };
        var server = new SnapshotServer(options, sources);
        server.Start();
        using var stop = new CancellationTokenSource();
        long answers = 0;
        // clients that connect, ask for /healthz and connect again at once, whatever happened
        var hammers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var request = System.Text.Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
            var buf = new byte[4096];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var tcp = new TcpClient();
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                    var s = tcp.GetStream();
                    await s.WriteAsync(request, timeout.Token);
                    if (await s.ReadAsync(buf, timeout.Token) > 0 && System.Text.Encoding.ASCII.GetString(buf, 0, 8).StartsWith("HTTP/1.", StringComparison.Ordinal))
                        Interlocked.Increment(ref answers);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException) { } // refused, reset: again
            }
        })).ToArray();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                long before = Interlocked.Read(ref answers);
                var until = DateTime.UtcNow.AddSeconds(30);
                while (Interlocked.Read(ref answers) == before && DateTime.UtcNow < until) await Task.Delay(5);
                Assert.True(Interlocked.Read(ref answers) > before, $"restart {i}: no answer from the server");
                await server.StopAsync();
                server = new SnapshotServer(options, sources);
                server.Start(); // at once, on the same port: no retry here
                Assert.True(server.IsListening);
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(hammers);
            await server.StopAsync();
        }
    }
}

/// <summary>Restarting on a fixed port under a connecting client is timing-sensitive on a loaded host: these tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerRestartCollection
{
    public const string Name = "restarts the HTTP server on a fixed port";
}
