using FilFil.Devnet.Rpc;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>The devnet's request scheduler takes the connections' requests in turns (<see cref="FairScheduler"/>).</summary>
public class FairSchedulerTests
{
    [Fact]
    public async Task A_lane_with_one_task_goes_ahead_of_another_lanes_queue()
    {
        var scheduler = new FairScheduler(workers: 1);
        var busy = scheduler.CreateLane();
        var quiet = scheduler.CreateLane();
        var order = new List<string>();
        using var gate = new ManualResetEventSlim();
        var factoryBusy = new TaskFactory(busy);
        // the one worker is held by busy's first task while busy queues 100 more and quiet queues one
        var first = factoryBusy.StartNew(() => { gate.Wait(TimeSpan.FromSeconds(30)); lock (order) order.Add("busy"); });
        var tasks = new List<Task> { first };
        for (int i = 0; i < 100; i++) tasks.Add(factoryBusy.StartNew(() => { lock (order) order.Add("busy"); }));
        tasks.Add(new TaskFactory(quiet).StartNew(() => { lock (order) order.Add("quiet"); }));
        gate.Set();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        // round-robin: busy's running task, then at most one more of busy's before quiet's turn
        Assert.Equal(102, order.Count);
        Assert.InRange(order.IndexOf("quiet"), 1, 2);
    }

    [Fact]
    public async Task At_most_the_workers_run_at_once_and_every_task_of_every_lane_runs()
    {
        var scheduler = new FairScheduler(workers: 2);
        var lanes = Enumerable.Range(0, 5).Select(_ => scheduler.CreateLane()).ToArray();
        int running = 0, peak = 0;
        var seen = lanes.Select(_ => new List<int>()).ToArray();
        var tasks = new List<Task>();
        for (int i = 0; i < 40; i++)
            for (int l = 0; l < lanes.Length; l++)
            {
                int lane = l, n = i;
                tasks.Add(new TaskFactory(lanes[l]).StartNew(() =>
                {
                    int now = Interlocked.Increment(ref running);
                    int p;
                    while ((p = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, p) != p) { }
                    Thread.SpinWait(2000);
                    lock (seen[lane]) seen[lane].Add(n);
                    Interlocked.Decrement(ref running);
                }));
            }
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.InRange(peak, 1, 2);
        foreach (var s in seen) Assert.Equal(40, s.Count);
    }
}
