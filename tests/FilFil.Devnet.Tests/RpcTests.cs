using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Devnet.Tests;

public class RpcTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static DevnetOptions Small(int seed = 11) => new()
    {
        Seed = seed, StateBlocks = 200, AverageBlockSize = 128, ChurnPerEpoch = 8, MessagesPerBlock = 6,
        MaxBlocksPerTipSet = 3, NullRoundRate = 0.2, ReorgRate = 0,
    };

    private static async Task<(HttpStatusCode Status, string Body)> Post(Uri uri, string body, string? auth = null)
    {
        using var http = new HttpClient();
        using var req = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (auth is not null) req.Headers.TryAddWithoutValidation("Authorization", auth);
        using var resp = await http.SendAsync(req);
        return (resp.StatusCode, await resp.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FramesAndErrorsAreGoJsonRpcs()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        server.Chain.Advance(3);
        await using var c = await RawLotusClient.ConnectAsync(server.Endpoint);
        c.KeepRaw = true;
        var name = await c.CallAsync("Filecoin.StateNetworkName");
        Assert.Equal("testnetnet", name.GetString());
        lock (c.RawFrames) Assert.Equal("{\"id\":1,\"jsonrpc\":\"2.0\",\"result\":\"testnetnet\"}\n", c.RawFrames[^1]);

        var e = await Assert.ThrowsAsync<RpcError>(() => c.CallAsync("Filecoin.Nope"));
        Assert.Equal((-32601, "method 'Filecoin.Nope' not found"), (e.Code, e.Message));
        lock (c.RawFrames) Assert.StartsWith("{\"error\":{\"code\":-32601,\"message\":", c.RawFrames[^1]);

        e = await Assert.ThrowsAsync<RpcError>(() => c.CallAsync("Filecoin.ChainHead", 1));
        Assert.Equal((-32602, "wrong param count (method 'Filecoin.ChainHead'): 1 != 0"), (e.Code, e.Message));

        e = await Assert.ThrowsAsync<RpcError>(() => c.CallAsync("Filecoin.ChainReadObj", "bafy"));
        Assert.Equal(-32700, e.Code);
        Assert.StartsWith("unmarshaling params for 'Filecoin.ChainReadObj' (param: *cid.Cid): ", e.Message);

        e = await Assert.ThrowsAsync<RpcError>(() => c.CallAsync("Filecoin.ChainReadObj", RawLotusClient.Cid("bafy2bzace")));
        Assert.Equal(-32700, e.Code);

        var missing = Cid.Hash("not in the devnet"u8.ToArray()).ToString();
        e = await Assert.ThrowsAsync<RpcError>(() => c.CallAsync("Filecoin.ChainReadObj", RawLotusClient.Cid(missing)));
        Assert.Equal((1, $"blockstore get: ipld: could not find {missing}"), (e.Code, e.Message));
        e = await Assert.ThrowsAsync<RpcError>(() => c.CallAsync("Filecoin.ChainGetBlock", RawLotusClient.Cid(missing)));
        Assert.Equal((1, $"ipld: could not find {missing}"), (e.Code, e.Message));
        Assert.False((await c.CallAsync("Filecoin.ChainHasObj", RawLotusClient.Cid(missing))).GetBoolean());
        var head = server.Chain.Head;
        Assert.True((await c.CallAsync("Filecoin.ChainHasObj", RawLotusClient.Cid(head.Cids[0].ToString()))).GetBoolean());

        e = await Assert.ThrowsAsync<RpcError>(() => c.CallAsync("Filecoin.ChainGetTipSetByHeight", head.Height + 5, null));
        Assert.Equal($"looking for tipset with height greater than start point, req: {head.Height + 5}, head: {head.Height}", e.Message);
        e = await Assert.ThrowsAsync<RpcError>(() => c.CallAsync("Filecoin.ChainGetTipSet", (object)new[] { RawLotusClient.Cid(missing) }));
        Assert.Equal($"get block {missing}: ipld: could not find {missing}", e.Message);
        e = await Assert.ThrowsAsync<RpcError>(() => c.CallAsync("Filecoin.ChainGetTipSet", (object)Array.Empty<object>()));
        Assert.Equal("NewTipSet called with zero length array of blocks", e.Message);
        var viaEmpty = await c.CallAsync("Filecoin.ChainGetTipSetByHeight", head.Height, Array.Empty<object>());
        Assert.Equal(head.Height, viaEmpty.GetProperty("Height").GetInt64()); // GetTipSetFromKey: empty key = head
    }

    [Fact]
    public async Task BadWebSocketInputGetsErrorsOrADroppedConnectionNeverAHang()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        await using var c = await RawLotusClient.ConnectAsync(server.Endpoint);
        c.KeepRaw = true;
        await c.SendRawAsync("{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"Filecoin.ChainHead\",\"params\":\"x\"}");
        await c.SendRawAsync("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":7,\"params\":[]}");
        await c.SendRawAsync("{\"jsonrpc\":\"2.0\",\"id\":43,\"method\":\"Filecoin.ChainGetTipSetByHeight\",\"params\":[-1,null]}");
        var (_, ok) = await c.CallFrameAsync("Filecoin.StateNetworkName");
        Assert.Equal("testnetnet", ok.GetProperty("result").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string[] frames;
        do { lock (c.RawFrames) frames = c.RawFrames.ToArray(); await Task.Delay(10); }
        while (frames.Count(f => f.StartsWith("{\"error\"")) < 3 && DateTime.UtcNow < deadline);
        Assert.Contains(frames, f => f.StartsWith("{\"error\":{\"code\":-32700,\"message\":\"unmarshaling param array: ") && f.Contains("\"id\":41"));
        Assert.Contains(frames, f => f.StartsWith("{\"error\":{\"code\":-32601,\"message\":\"method '' not found\"},\"id\":42"));
        Assert.Contains(frames, f => f == "{\"error\":{\"code\":1,\"message\":\"height -1 is negative\"},\"id\":43,\"jsonrpc\":\"2.0\"}\n");
        await c.SendRawAsync("this is not json");
        await c.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10)); // go-jsonrpc drops a connection on an undecodable frame
        await using var c2 = await RawLotusClient.ConnectAsync(server.Endpoint);
        var e = await Assert.ThrowsAsync<RpcError>(() => c2.CallAsync("Filecoin.ChainGetTipSetByHeight", -1, null));
        Assert.Equal((1, "height -1 is negative"), (e.Code, e.Message));
        e = await Assert.ThrowsAsync<RpcError>(() => c2.CallAsync("Filecoin.ChainGetTipSetByHeight", 1.5, null));
        Assert.Equal(-32700, e.Code);
        e = await Assert.ThrowsAsync<RpcError>(() => c2.CallAsync("Filecoin.ChainGetBlock", RawLotusClient.Cid(server.Chain.Genesis.Blocks[0].ParentStateRoot.ToString())));
        Assert.Equal(1, e.Code); // a state node is not a block header: a decode error, not a crash
    }

    [Fact]
    public async Task PostServesCallsButNotChannels()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        server.Chain.Advance(2);
        var (st, body) = await Post(server.HttpEndpoint, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"Filecoin.ChainHead\",\"params\":[]}");
        Assert.Equal(HttpStatusCode.OK, st);
        var head = JsonDocument.Parse(body).RootElement.GetProperty("result");
        Assert.Equal(server.Chain.Head.Cids[0].ToString(), head.GetProperty("Cids")[0].GetProperty("/").GetString());

        (st, body) = await Post(server.HttpEndpoint, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"Filecoin.ChainNotify\",\"params\":[]}");
        Assert.Equal(HttpStatusCode.InternalServerError, st);
        Assert.Equal("{\"error\":{\"code\":-32601,\"message\":\"method 'Filecoin.ChainNotify' not supported in this mode (no out channel support)\"},\"id\":8,\"jsonrpc\":\"2.0\"}\n", body);

        (st, body) = await Post(server.HttpEndpoint, "{not json");
        Assert.Equal(HttpStatusCode.InternalServerError, st);
        Assert.Contains("\"code\":-32700", body);
        (st, _) = await Post(server.HttpEndpoint, "   ");
        Assert.Equal(HttpStatusCode.BadRequest, st);

        (st, body) = await Post(server.HttpEndpoint, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.StateNetworkName\",\"params\":[]},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"Filecoin.Version\",\"params\":[]}]");
        Assert.Equal(HttpStatusCode.OK, st);
        var batch = JsonDocument.Parse(body).RootElement;
        Assert.Equal(2, batch.GetArrayLength());
        Assert.Equal(131840, batch[1].GetProperty("result").GetProperty("APIVersion").GetInt32()); // 2.3.0

        (st, body) = await Post(new Uri(server.HttpEndpoint.ToString().Replace("/rpc/v1", "/rpc/v0")), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.Version\",\"params\":[]}");
        var v0 = JsonDocument.Parse(body).RootElement.GetProperty("result");
        Assert.Equal(66816, v0.GetProperty("APIVersion").GetInt32()); // 1.5.0
        Assert.Equal(30, v0.GetProperty("BlockDelay").GetInt32());
        (st, _) = await Post(new Uri(server.HttpEndpoint, "/rpc/v9"), "{}");
        Assert.Equal(HttpStatusCode.NotFound, st);
    }

    [Fact]
    public async Task TokenAuthMatchesLotus()
    {
        await using var server = await DevnetServer.StartAsync(Small() with { Token = "s3cret" });
        Assert.Equal($"s3cret:/ip4/127.0.0.1/tcp/{server.Port}/http", server.ApiInfo);
        const string call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainHead\",\"params\":[]}";
        Assert.Equal(HttpStatusCode.OK, (await Post(server.HttpEndpoint, call)).Status); // read without a token
        Assert.Equal(HttpStatusCode.OK, (await Post(server.HttpEndpoint, call, "Bearer s3cret")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(server.HttpEndpoint, call, "Bearer wrong")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(server.HttpEndpoint, call, "Basic s3cret")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Post(new Uri(server.HttpEndpoint + "?token=s3cret"), call)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(new Uri(server.HttpEndpoint + "?token=nope"), call)).Status);
        await Assert.ThrowsAsync<WebSocketException>(() => RawLotusClient.ConnectAsync(server.Endpoint, "wrong"));
        await using var ok = await RawLotusClient.ConnectAsync(server.Endpoint, "s3cret");
        Assert.Equal(JsonValueKind.Object, (await ok.CallAsync("Filecoin.ChainHead")).ValueKind);
    }

    [Fact]
    public async Task CancelClosesTheChannelAndSlowReadersAreDropped()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        await using var c = await RawLotusClient.ConnectAsync(server.Endpoint);
        var (id1, f1) = await c.CallFrameAsync("Filecoin.ChainNotify");
        var (id2, f2) = await c.CallFrameAsync("Filecoin.ChainNotify");
        long ch1 = f1.GetProperty("result").GetInt64(), ch2 = f2.GetProperty("result").GetInt64();
        Assert.Equal(1, ch1);
        Assert.Equal(2, ch2);
        var n = new List<JsonElement> { await c.NextNotificationAsync(), await c.NextNotificationAsync() };
        Assert.All(n, x => Assert.Equal("current", x.GetProperty("params")[1][0].GetProperty("Type").GetString()));
        await c.SendRawAsync($"{{\"jsonrpc\":\"2.0\",\"method\":\"xrpc.cancel\",\"params\":[{id1}]}}");
        var close = await c.NextNotificationAsync();
        Assert.Equal("xrpc.ch.close", close.GetProperty("method").GetString());
        Assert.Equal(ch1, close.GetProperty("params")[0].GetInt64());
        server.Chain.Advance(3);
        var next = await c.NextNotificationAsync();
        Assert.Equal(ch2, next.GetProperty("params")[0].GetInt64()); // only the live channel still gets values
    }

    [Fact]
    public async Task ASubscriberSixteenBatchesBehindIsClosed()
    {
        // big tipsets so the socket buffers fill while the client does not read
        var o = Small() with { MaxBlocksPerTipSet = 64, MessagesPerBlock = 0, NullRoundRate = 0 };
        await using var server = await DevnetServer.StartAsync(o);
        using var ws = new ClientWebSocket();
        ws.Options.SetBuffer(1024, 1024);
        await ws.ConnectAsync(server.Endpoint, CancellationToken.None);
        await ws.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainNotify\",\"params\":[]}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buf = new byte[1 << 20];
        for (int i = 0; i < 2; i++) await ws.ReceiveAsync(buf.AsMemory(), CancellationToken.None); // registration, then `current`
        var sw = System.Diagnostics.Stopwatch.StartNew();
        server.Chain.Advance(200); // nobody reads meanwhile
        output.WriteLine($"advance: {sw.ElapsedMilliseconds} ms");
        int values = 0;
        bool closed = false;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!closed)
        {
            using var ms = new MemoryStream();
            ValueWebSocketReceiveResult r;
            do { r = await ws.ReceiveAsync(buf.AsMemory(), cts.Token); ms.Write(buf, 0, r.Count); } while (!r.EndOfMessage);
            var f = JsonDocument.Parse(ms.ToArray()).RootElement;
            if (!f.TryGetProperty("method", out var m)) continue;
            if (m.GetString() == "xrpc.ch.close") closed = true; else values++;
            if (values % 20 == 0) output.WriteLine($"{values} values at {sw.ElapsedMilliseconds} ms, {ms.Length} bytes");
        }
        output.WriteLine($"{values} values before the close");
        Assert.InRange(values, 16, 199); // fell behind: the server gave up before delivering all 200 batches
    }

    [Fact]
    public async Task FaultsCorruptFailDelayDropAndReorg()
    {
        await using var server = await DevnetServer.StartAsync(Small());
        server.Chain.Advance(6);
        await using var c = await RawLotusClient.ConnectAsync(server.Endpoint);
        var cid = server.Chain.Head.Cids[0];
        server.Faults.CorruptBlock(cid);
        var bad = Convert.FromBase64String((await c.CallAsync("Filecoin.ChainReadObj", RawLotusClient.Cid(cid.ToString()))).GetString()!);
        Assert.False(cid.Verify(bad));
        server.Faults.ClearCorruptBlocks();
        var good = Convert.FromBase64String((await c.CallAsync("Filecoin.ChainReadObj", RawLotusClient.Cid(cid.ToString()))).GetString()!);
        Assert.True(cid.Verify(good));

        server.Faults.ReadObjFailureRate = 0.5;
        int failures = 0;
        for (int i = 0; i < 40; i++)
        {
            try { await c.CallAsync("Filecoin.ChainReadObj", RawLotusClient.Cid(cid.ToString())); }
            catch (RpcError e) { Assert.Equal(1, e.Code); failures++; }
        }
        Assert.InRange(failures, 8, 32);
        server.Faults.Reset();
        server.Faults.ReadObjDelay = TimeSpan.FromMilliseconds(150);
        server.Faults.ReadObjDelayRate = 1;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await c.CallAsync("Filecoin.ChainReadObj", RawLotusClient.Cid(cid.ToString()));
        Assert.True(sw.ElapsedMilliseconds >= 140);
        server.Faults.Reset();

        var (_, sub) = await c.CallFrameAsync("Filecoin.ChainNotify");
        await c.NextNotificationAsync();
        var oldHead = server.Chain.Head;
        server.Faults.ForceReorg(2);
        var batch = (await c.NextNotificationAsync()).GetProperty("params")[1].EnumerateArray().ToList();
        Assert.Equal(new[] { "revert", "revert", "apply", "apply" }, batch.Select(b => b.GetProperty("Type").GetString()));
        Assert.Equal(oldHead.Height, batch[0].GetProperty("Val").GetProperty("Height").GetInt64());
        Assert.True(batch[2].GetProperty("Val").GetProperty("Height").GetInt64() < batch[3].GetProperty("Val").GetProperty("Height").GetInt64());

        server.Faults.DropConnections();
        await c.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // a new connection works after the drop
        await using var c2 = await RawLotusClient.ConnectAsync(server.Endpoint);
        Assert.Equal(server.Chain.Head.Height, (await c2.CallAsync("Filecoin.ChainHead")).GetProperty("Height").GetInt64());
    }

    [Fact]
    public async Task MessageMethodsAgreeWithTheBlocks()
    {
        await using var server = await DevnetServer.StartAsync(Small() with { NullRoundRate = 0, MessagesPerBlock = 12 });
        server.Chain.Advance(4);
        await using var c = await RawLotusClient.ConnectAsync(server.Endpoint);
        var ts3 = server.Chain.GetTipSet(3)!;
        var ts4 = server.Chain.GetTipSet(4)!;
        var bm = await c.CallAsync("Filecoin.ChainGetBlockMessages", RawLotusClient.Cid(ts3.Cids[0].ToString()));
        int nb = bm.GetProperty("BlsMessages").GetArrayLength(), ns = bm.GetProperty("SecpkMessages").GetArrayLength();
        Assert.Equal(12, nb + ns);
        Assert.Equal(nb + ns, bm.GetProperty("Cids").GetArrayLength());
        var firstBls = bm.GetProperty("BlsMessages")[0];
        Assert.Equal(bm.GetProperty("Cids")[0].GetProperty("/").GetString(), firstBls.GetProperty("CID").GetProperty("/").GetString());
        Assert.Equal(new[] { "Version", "To", "From", "Nonce", "Value", "GasLimit", "GasFeeCap", "GasPremium", "Method", "Params", "CID" },
            firstBls.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("f3", firstBls.GetProperty("From").GetString());
        var secp = bm.GetProperty("SecpkMessages")[0];
        Assert.Equal(new[] { "Message", "Signature", "CID" }, secp.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, secp.GetProperty("Signature").GetProperty("Type").GetInt32());
        var raw = Convert.FromBase64String((await c.CallAsync("Filecoin.ChainReadObj", secp.GetProperty("CID"))).GetString()!);
        Assert.True(Cid.Parse(secp.GetProperty("CID").GetProperty("/").GetString()!).Verify(raw));

        var inTs = await c.CallAsync("Filecoin.ChainGetMessagesInTipset", (object)ts3.Cids.Select(x => RawLotusClient.Cid(x.ToString())).ToArray());
        var parentMsgs = await c.CallAsync("Filecoin.ChainGetParentMessages", RawLotusClient.Cid(ts4.Cids[0].ToString()));
        Assert.Equal(inTs.GetRawText(), parentMsgs.GetRawText());
        var receipts = await c.CallAsync("Filecoin.ChainGetParentReceipts", RawLotusClient.Cid(ts4.Cids[0].ToString()));
        Assert.Equal(inTs.GetArrayLength(), receipts.GetArrayLength());
        Assert.Equal(new[] { "ExitCode", "Return", "GasUsed", "EventsRoot" }, receipts[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "Cid", "Message" }, inTs[0].EnumerateObject().Select(p => p.Name));

        var g = server.Chain.Genesis.Cids[0].ToString();
        Assert.Equal(JsonValueKind.Null, (await c.CallAsync("Filecoin.ChainGetParentMessages", RawLotusClient.Cid(g))).ValueKind);
        Assert.Equal(JsonValueKind.Null, (await c.CallAsync("Filecoin.ChainGetParentReceipts", RawLotusClient.Cid(g))).ValueKind);
        Assert.Equal(JsonValueKind.Null, (await c.CallAsync("Filecoin.ChainGetMessagesInTipset", (object)new[] { RawLotusClient.Cid(g) })).ValueKind);
        var genesis = await c.CallAsync("Filecoin.ChainGetGenesis");
        Assert.Equal(g, genesis.GetProperty("Cids")[0].GetProperty("/").GetString());
        var gb = genesis.GetProperty("Blocks")[0];
        Assert.Equal("f00", gb.GetProperty("Miner").GetString());
        // cbor-gen leaves empty byte strings and lists nil, which Go's JSON writes as null
        Assert.Equal("{\"WinCount\":0,\"VRFProof\":null}", gb.GetProperty("ElectionProof").GetRawText());
        Assert.Equal(JsonValueKind.Null, gb.GetProperty("BLSAggregate").ValueKind);
        Assert.Equal(JsonValueKind.Null, gb.GetProperty("WinPoStProof").ValueKind);
        Assert.Equal("100000000", gb.GetProperty("ParentBaseFee").GetString());
        Assert.Equal(new[] { "Miner", "Ticket", "ElectionProof", "BeaconEntries", "WinPoStProof", "Parents", "ParentWeight", "Height", "ParentStateRoot", "ParentMessageReceipts", "Messages", "BLSAggregate", "Timestamp", "BlockSig", "ForkSignaling", "ParentBaseFee" },
            gb.EnumerateObject().Select(p => p.Name));
        var blk = await c.CallAsync("Filecoin.ChainGetBlock", RawLotusClient.Cid(ts4.Cids[0].ToString()));
        Assert.Equal(4, blk.GetProperty("Height").GetInt64());
    }

    [Fact]
    public async Task TipSetByHeightFallsBackOverNullRounds()
    {
        await using var server = await DevnetServer.StartAsync(Small() with { NullRoundRate = 0.4 });
        server.Chain.Advance(30);
        await using var c = await RawLotusClient.ConnectAsync(server.Endpoint);
        long nullHeight = Enumerable.Range(1, 29).First(h => server.Chain.GetTipSet(h) is null);
        var ts = await c.CallAsync("Filecoin.ChainGetTipSetByHeight", nullHeight, null);
        var expected = server.Chain.GetTipSetByHeight(nullHeight);
        Assert.True(expected.Height < nullHeight);
        Assert.Equal(expected.Height, ts.GetProperty("Height").GetInt64());
        var byKey = await c.CallAsync("Filecoin.ChainGetTipSet", (object)expected.Cids.Select(x => RawLotusClient.Cid(x.ToString())).ToArray());
        Assert.Equal(ts.GetRawText(), byKey.GetRawText());
        var multi = Enumerable.Range(1, 29).Select(h => server.Chain.GetTipSet(h)).First(t => t is { Cids.Count: > 1 })!;
        var reversed = await c.CallAsync("Filecoin.ChainGetTipSet", (object)multi.Cids.Reverse().Select(x => RawLotusClient.Cid(x.ToString())).ToArray());
        Assert.Equal(multi.Cids[0].ToString(), reversed.GetProperty("Cids")[0].GetProperty("/").GetString()); // NewTipSet sorts
    }

    [Fact]
    public async Task CalibnetUsesTestnetAddressesAndItsName()
    {
        await using var server = await DevnetServer.StartAsync(Small() with { Network = "calibnet" });
        server.Chain.Advance(2);
        await using var c = await RawLotusClient.ConnectAsync(server.Endpoint);
        Assert.Equal("calibrationnet", (await c.CallAsync("Filecoin.StateNetworkName")).GetString());
        var head = await c.CallAsync("Filecoin.ChainHead");
        Assert.StartsWith("t0", head.GetProperty("Blocks")[0].GetProperty("Miner").GetString());
    }

    [Fact]
    public async Task AnEpochDurationMinesInTheBackground()
    {
        await using var server = await DevnetServer.StartAsync(Small() with { EpochDuration = TimeSpan.FromMilliseconds(40), NullRoundRate = 0 });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (server.Chain.Head.Height < 3 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(server.Chain.Head.Height >= 3);
        await server.StopAsync();
        long h = server.Chain.Head.Height;
        await Task.Delay(200);
        Assert.Equal(h, server.Chain.Head.Height); // the timer stops with the server that owns the chain
    }
}
