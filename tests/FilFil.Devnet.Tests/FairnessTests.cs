using System.Text.Json;
using FilFil.Devnet.Rpc;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>
/// Issue 15's abuse campaign: 8 clients flooding requests kept another client waiting up to 4.1 s, because every
/// connection had up to 256 requests running at once, all queued on the thread pool ahead of the other client's.
/// A connection now runs at most <see cref="WsConnection.MaxRunning"/> requests at once; the rest wait, parsed, in its own
/// bounded queue.
/// </summary>
public class FairnessTests
{
    [Fact]
    public async Task One_connection_runs_a_bounded_number_of_requests_at_once_and_the_others_are_served()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { Seed = 5, StateBlocks = 200, AverageBlockSize = 128, ChurnPerEpoch = 8, MessagesPerBlock = 2 });
        server.Chain.Advance(3);
        await using var busy = await RawLotusClient.ConnectAsync(server.Endpoint);
        var head = await busy.CallAsync("Filecoin.ChainHead");
        string cid = head.GetProperty("Cids")[0].GetProperty("/").GetString()!;
        // every read now waits 1 s (without CPU): the number of reads waiting at once is the number running at once
        server.Faults.ReadObjDelay = TimeSpan.FromSeconds(1);
        server.Faults.ReadObjDelayRate = 1;
        var calls = Enumerable.Range(0, 100).Select(_ => busy.CallAsync("Filecoin.ChainReadObj", RawLotusClient.Cid(cid))).ToList();
        await Task.Delay(500);
        long started = server.Faults.DelayedReads;
        Assert.InRange(started, 1, WsConnection.MaxRunning);

        // another connection is served meanwhile
        await using var other = await RawLotusClient.ConnectAsync(server.Endpoint);
        var otherHead = await other.CallAsync("Filecoin.ChainHead").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, otherHead.GetProperty("Height").GetInt64());

        // and every queued request of the busy one is answered in turn
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(results, r => Assert.Equal(JsonValueKind.String, r.ValueKind));
        Assert.Equal(100, server.Faults.DelayedReads);
    }
}
