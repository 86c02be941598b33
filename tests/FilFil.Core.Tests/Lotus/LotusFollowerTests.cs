using FilFil.Core.Lotus;
using FilFil.Core.Snapshot;
using FilFil.Devnet;
using Xunit;

namespace FilFil.Core.Tests.Lotus;

public class LotusFollowerTests
{
    private static async Task WaitFor(Func<bool> cond, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!cond())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task FollowsThroughDroppedSocketsReorgsAndBadBlocks()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 300, ChurnPerEpoch = 8, MessagesPerBlock = 2, Seed = 11 });
        server.Chain.Advance(3);
        using var engine = new Engine(new EngineOptions { RecentStateRoots = 5, ReorgDepth = 3 });
        var follower = new LotusFollower(engine, ct => LotusClient.ConnectAsync(server.Endpoint, null, ct))
        {
            InitialBackoff = TimeSpan.FromMilliseconds(20),
        };
        using var cts = new CancellationTokenSource();
        var run = follower.RunAsync(cts.Token);
        bool AtHead() => engine.Head is { } h && h.KeyEquals(server.Chain.Head.Cids);

        await WaitFor(AtHead, "bootstrap");
        server.Chain.Advance(4);
        await WaitFor(AtHead, "advance");

        server.Faults.DropConnections();
        server.Chain.Advance(3); // mined while disconnected
        await WaitFor(() => follower.Reconnects >= 1 && AtHead(), "reconnect and resync");

        server.Faults.ForceReorg(2);
        await WaitFor(AtHead, "reorg");

        server.Faults.CorruptRate = 0.3; // the RefDag refuses bad bytes and refetches
        server.Chain.Advance(3);
        await WaitFor(AtHead, "corrupt reads");
        server.Faults.Reset();

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        engine.VerifyInvariant();
        Assert.True(server.Faults.CorruptedReads > 0, "no corrupt reads were served");
        using var ms = new MemoryStream();
        await SnapshotWriter.WriteAsync(engine, ms, new SnapshotOptions { RecentStateRoots = 5, SkipOldMessages = true });
        ms.Position = 0;
        Assert.True(SnapshotVerifier.Verify(ms).Ok);
    }
}
