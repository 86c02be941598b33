using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Lotus;
using FilFil.Core.Snapshot;
using FilFil.Devnet;
using Xunit;

namespace FilFil.Core.Tests.Lotus;

public class LotusClientTests
{
    private static DevnetOptions Small => new() { StateBlocks = 300, ChurnPerEpoch = 8, MessagesPerBlock = 2, Seed = 7 };

    [Fact]
    public async Task MethodsReturnLotusShapes()
    {
        await using var server = await DevnetServer.StartAsync(Small with { Token = "secret" });
        server.Chain.Advance(3);
        await using var c = await LotusClient.ConnectAsync(server.Endpoint, "secret");
        var head = await c.ChainHeadAsync();
        Assert.Equal(server.Chain.Head.Height, head.Height);
        var gen = await c.ChainGetGenesisAsync();
        Assert.Equal(0, gen.Height);
        Assert.Equal(server.Chain.NetworkName, await c.StateNetworkNameAsync());
        var again = await c.ChainGetTipSetAsync(head.Cids);
        Assert.Equal(head.Cids, again.Cids);
        var one = await c.ChainGetTipSetByHeightAsync(1);
        Assert.True(one.Height <= 1);
        var state = await c.ChainReadObjAsync(head.Headers[0].ParentStateRoot);
        Assert.True(head.Headers[0].ParentStateRoot.Verify(state));
        Assert.True(await c.ChainHasObjAsync(head.Headers[0].Messages));
        Assert.False(await c.ChainHasObjAsync(Cid.Hash(new byte[] { 1, 2, 3 })));
        var e = await Assert.ThrowsAsync<LotusRpcException>(() => c.CallAsync("Filecoin.NoSuchMethod"));
        Assert.Equal("Filecoin.NoSuchMethod", e.Method);
    }

    [Fact]
    public async Task AWrongTokenIsRefused()
    {
        await using var server = await DevnetServer.StartAsync(Small with { Token = "secret" });
        await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() => LotusClient.ConnectAsync(server.Endpoint, "wrong"));
    }

    [Fact]
    public async Task ChainNotifyDrivesTheEngine()
    {
        await using var server = await DevnetServer.StartAsync(Small);
        server.Chain.Advance(2);
        await using var c = await LotusClient.ConnectAsync(server.Endpoint);
        var source = new LotusBlockSource(c);
        using var engine = new ChainStore(new ChainStoreOptions { RecentStateRoots = 4, ReorgDepth = 2 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int batches = 0;
        bool reorged = false;
        await foreach (var batch in c.ChainNotifyAsync(cts.Token))
        {
            if (batches++ == 0)
            {
                var cur = Assert.Single(batch);
                Assert.Equal("current", cur.Type);
                await engine.BootstrapAsync(cur.Val, source, cts.Token);
                server.Chain.Advance(5);
                continue;
            }
            foreach (var hc in batch)
            {
                if (hc.Type == "revert") await engine.RevertAsync(hc.Val, source, cts.Token);
                else if (hc.Type == "apply") await engine.ApplyAsync(hc.Val, source, cts.Token);
            }
            engine.VerifyInvariant();
            if (engine.Head!.KeyEquals(server.Chain.Head.Cids))
            {
                if (reorged) break;
                reorged = true;
                server.Chain.Reorg(2); // reverts then applies in one batch
            }
        }
        Assert.True(reorged);
        Assert.Equal(server.Chain.Head.Height, engine.Head!.Height);
        using var ms = new MemoryStream();
        await SnapshotWriter.WriteAsync(engine, ms, new SnapshotOptions { RecentStateRoots = 4, SkipOldMessages = true });
        ms.Position = 0;
        var v = SnapshotVerifier.Verify(ms);
        Assert.True(v.Ok, $"missing {v.FirstMissing}");
        Assert.True(c.IsConnected); // the enumeration's end sent xrpc.cancel, the socket stays usable
        Assert.Equal(engine.Head.Cids, (await c.ChainHeadAsync()).Cids);
    }
}
