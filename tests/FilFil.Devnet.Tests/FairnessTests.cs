using System.Text;
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

    /// <summary>
    /// HTTP POST requests ran straight on the thread pool, beside the scheduler: a client flooding POSTs on many
    /// connections took the workers the WebSocket clients' turns wait for. A POST now takes its turn like any request.
    /// </summary>
    [Fact]
    public async Task A_post_request_waits_for_its_turn_and_goes_ahead_of_a_connection_with_many_requests_queued()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { Seed = 5, StateBlocks = 200, AverageBlockSize = 128, ChurnPerEpoch = 8, MessagesPerBlock = 2 });
        server.Chain.Advance(2);
        var scheduler = server.Scheduler;
        using var gate = new ManualResetEventSlim();
        using var held = new CountdownEvent(scheduler.Workers);
        var tasks = new List<Task>();
        try
        {
            // every worker is held, then one lane (a busy connection) queues 100 requests
            for (int i = 0; i < scheduler.Workers; i++)
                tasks.Add(new TaskFactory(scheduler.CreateLane()).StartNew(() => { held.Signal(); gate.Wait(TimeSpan.FromSeconds(30)); }));
            Assert.True(held.Wait(TimeSpan.FromSeconds(20)));
            var busy = new TaskFactory(scheduler.CreateLane());
            // per busy request: was the POST's lane still waiting for its turn when this one ran (the busy lane,
            // re-queued while it has requests left, is the other lane waiting)
            var postWaiting = new List<bool>();
            for (int i = 0; i < 100; i++) tasks.Add(busy.StartNew(() => { lock (postWaiting) postWaiting.Add(scheduler.LanesWaiting >= 2); }));

            using var http = new HttpClient();
            var post = http.PostAsync(server.HttpEndpoint, new StringContent("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainHead\",\"params\":[]}", Encoding.UTF8, "application/json"));
            await Poll.UntilAsync(() => scheduler.LanesWaiting >= 2 || post.IsCompleted, TimeSpan.FromSeconds(20));
            Assert.False(post.IsCompleted, "the POST was answered while every worker was held");
            Assert.Equal(2, scheduler.LanesWaiting);

            gate.Set();
            using var resp = await post.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(System.Net.HttpStatusCode.OK, resp.StatusCode);
            using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
            Assert.Equal(2, doc.RootElement.GetProperty("result").GetProperty("Height").GetInt64());
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(20));
            // round-robin: the busy lane got at most one turn per worker before the POST's (then, while the POST
            // runs on one worker, the others go on with the busy lane)
            Assert.Equal(100, postWaiting.Count);
            Assert.InRange(postWaiting.Count(waiting => waiting), 0, scheduler.Workers);
        }
        finally { gate.Set(); }
    }
}
