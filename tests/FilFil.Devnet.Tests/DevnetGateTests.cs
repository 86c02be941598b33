using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>
/// The devnet's port belongs to an HttpGate (FilFil.Core.Serving): a request HttpListener would refuse itself (a Host
/// it does not serve, a malformed head) is answered before a byte of its body is read; before, HttpListener read all
/// of it, on a pool thread, to reuse the connection. Requests the server refuses itself close their connection unread.
/// </summary>
public sealed class DevnetGateTests
{
    private static Task<DevnetServer> StartAsync() =>
        DevnetServer.StartAsync(new DevnetOptions { Seed = 4, StateBlocks = 100, ChurnPerEpoch = 4, MessagesPerBlock = 1 });

    [Theory]
    [InlineData("POST /rpc/v1 HTTP/1.1\r\nHost: x\r\n", "HTTP/1.1 421")]                // another host: the gate
    [InlineData("POST /rpc/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\0b\r\n", "HTTP/1.1 400")] // a malformed head: the gate
    [InlineData("PUT /rpc/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n", "HTTP/1.1 405")]           // a method the devnet has not: the gate
    [InlineData("POST /other HTTP/1.1\r\nHost: 127.0.0.1\r\n", "HTTP/1.1 404")]           // the server's own 404
    public async Task A_refused_request_with_a_150_MiB_body_is_answered_without_its_body_being_read(string head, string answer)
    {
        await using var server = await StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes(head + $"Content-Length: {150L << 20}\r\n\r\n"));
        var buf = new byte[4096];
        int n = await s.ReadAsync(buf).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.StartsWith(answer, Encoding.ASCII.GetString(buf, 0, n));
        var chunk = new byte[64 << 10];
        long sent = 0;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (sent < 150L << 20) { await s.WriteAsync(chunk, limit.Token); sent += chunk.Length; }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException) { }
        Assert.True(sent < 32L << 20, $"the server read {sent >> 20} MiB of a body it refused");
        // and it still answers
        await using var client = await FilFil.Core.Lotus.LotusClient.ConnectAsync(server.Endpoint, null, CancellationToken.None);
        Assert.True((await client.ChainHeadAsync(CancellationToken.None)).Height >= 0);
    }
}
