using System.Net;
using System.Text;
using System.Text.Json;
using FilFil.Core.Serving;
using FilFil.Devnet.Evm;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>
/// eth_* / net_* / web3_* on the devnet's /rpc/v1 go to the EVM node (here a loopback stand-in that echoes and counts),
/// Filecoin.* stays local, and the forwarding is bounded: at most EthForwarder.MaxInFlight requests upstream at once
/// however many clients send, a dead upstream is an error frame (not a hang), subscriptions are refused.
/// </summary>
public class EthForwardingTests
{
    private sealed class Upstream : IAsyncDisposable
    {
        private readonly HttpListener _listener;
        private readonly Task _loop;
        private int _now;
        public int Peak;
        public int Count;
        public Uri Url { get; }

        public Upstream(TimeSpan delay)
        {
            _listener = HttpListenerLifetime.StartOnFreePort(p => $"http://127.0.0.1:{p}/", out int port);
            Url = new Uri($"http://127.0.0.1:{port}/");
            _loop = Task.Run(async () =>
            {
                while (true)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                    _ = Task.Run(async () =>
                    {
                        int n = Interlocked.Increment(ref _now);
                        lock (this) Peak = Math.Max(Peak, n);
                        Interlocked.Increment(ref Count);
                        using var doc = await JsonDocument.ParseAsync(ctx.Request.InputStream);
                        await Task.Delay(delay);
                        var body = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{doc.RootElement.GetProperty("id").GetRawText()},\"result\":\"{doc.RootElement.GetProperty("method").GetString()} upstream\"}}");
                        Interlocked.Decrement(ref _now);
                        ctx.Response.ContentType = "application/json";
                        await ctx.Response.OutputStream.WriteAsync(body);
                        ctx.Response.Close();
                    });
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            HttpListenerLifetime.Stop(_listener);
            await _loop;
        }
    }

    private static readonly DevnetOptions Small = new() { StateBlocks = 64, AverageBlockSize = 128, ChurnPerEpoch = 4 };

    private static async Task<JsonElement> Post(HttpClient http, Uri uri, string method, int id = 1)
    {
        var body = $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{method}\",\"params\":[]}}";
        using var resp = await http.PostAsync(uri, new StringContent(body, Encoding.UTF8, "application/json"));
        using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task EthGoesUpstream_FilecoinStaysLocal_InFlightIsBounded()
    {
        await using var up = new Upstream(TimeSpan.FromMilliseconds(300));
        await using var server = await DevnetServer.StartAsync(Small);
        server.ForwardEth(up.Url);
        Assert.Equal(up.Url, server.EthUpstream);
        using var http = new HttpClient();

        Assert.Equal("eth_chainId upstream", (await Post(http, server.HttpEndpoint, "eth_chainId")).GetProperty("result").GetString());
        Assert.Equal("net_version upstream", (await Post(http, server.HttpEndpoint, "net_version")).GetProperty("result").GetString());
        Assert.Equal("web3_clientVersion upstream", (await Post(http, server.HttpEndpoint, "web3_clientVersion")).GetProperty("result").GetString());
        int before = up.Count;
        Assert.Equal(JsonValueKind.Object, (await Post(http, server.HttpEndpoint, "Filecoin.ChainHead")).GetProperty("result").ValueKind);
        Assert.Equal(before, up.Count);

        // 3 x the bound at once: all answered, never more than the bound upstream at a time
        var calls = Enumerable.Range(0, 3 * EthForwarder.MaxInFlight).Select(i => Post(http, server.HttpEndpoint, "eth_blockNumber", 100 + i)).ToArray();
        var replies = await Task.WhenAll(calls);
        Assert.All(replies, r => Assert.Equal("eth_blockNumber upstream", r.GetProperty("result").GetString()));
        Assert.True(up.Peak <= EthForwarder.MaxInFlight, $"peak {up.Peak} upstream requests");
        Assert.True(up.Peak >= EthForwarder.MaxInFlight / 2, $"peak {up.Peak}: the forwarder should run requests concurrently");
    }

    [Fact]
    public async Task DeadUpstreamIsAnErrorFrame_SubscriptionsAreRefused_ForwardingIsSetOnce()
    {
        var dead = new Uri($"http://127.0.0.1:{FilFil.Core.Serving.HttpListenerLifetime.FreePort()}/");
        await using var server = await DevnetServer.StartAsync(Small);
        server.ForwardEth(dead);
        Assert.Throws<InvalidOperationException>(() => server.ForwardEth(dead));
        using var http = new HttpClient();
        var r = await Post(http, server.HttpEndpoint, "eth_chainId", 9);
        Assert.Equal(9, r.GetProperty("id").GetInt32());
        Assert.Equal(-32603, r.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("unreachable", r.GetProperty("error").GetProperty("message").GetString());
        var sub = await Post(http, server.HttpEndpoint, "eth_subscribe");
        Assert.Contains("eth_getLogs", sub.GetProperty("error").GetProperty("message").GetString());
        Assert.Throws<ArgumentException>(() => server.ForwardEth(new Uri("ws://127.0.0.1:1/")));
    }

    [Fact]
    public async Task WithoutForwardingEthIsAnUnknownMethod()
    {
        await using var server = await DevnetServer.StartAsync(Small);
        using var http = new HttpClient();
        var r = await Post(http, server.HttpEndpoint, "eth_chainId");
        Assert.Equal(-32601, r.GetProperty("error").GetProperty("code").GetInt32());
    }
}
