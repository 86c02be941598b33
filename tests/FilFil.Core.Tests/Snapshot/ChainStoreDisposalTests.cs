using FilFil.Core.Chain;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

/// <summary>
/// Disposing an engine while a snapshot is being written from it (Clear-FilFilEngine or Import-FilFilSnapshot in one
/// runspace, New-FilFilSnapshot in a thread job) used to free the store's unmanaged memory under the walk: the host
/// died with an AccessViolationException in BlockStore.ClearMarks. Disposal now waits for the walk.
/// </summary>
public class ChainStoreDisposalTests
{
    private static async Task<ChainStore> ImportAsync()
    {
        var car = new MemoryStream();
        FilFil.Devnet.DevnetChain.WriteSyntheticCar(new FilFil.Devnet.DevnetOptions { StateBlocks = 40_000, AverageBlockSize = 320, ChurnPerEpoch = 16, MessagesPerBlock = 2, Seed = 7 }, car, 10);
        car.Position = 0;
        return await SnapshotImporter.ImportAsync(car, new ChainStoreOptions { RecentStateRoots = 10, ReorgDepth = 0 });
    }

    [Fact]
    public async Task Dispose_waits_for_a_running_walk_and_then_refuses_new_work()
    {
        var e = await ImportAsync();
        var o = new SnapshotOptions { RecentStateRoots = 10, SkipOldMessages = true };
        var expected = new MemoryStream();
        await SnapshotWriter.WriteAsync(e, expected, o);

        using var gate = new ManualResetEventSlim(false);
        using var firstWrite = new ManualResetEventSlim(false);
        var output = new GatedStream(gate, firstWrite);
        var snap = SnapshotWriter.WriteAsync(e, output, o);
        try
        {
            Assert.True(firstWrite.Wait(TimeSpan.FromSeconds(60)));
            var dispose = Task.Run(e.Dispose);
            await Task.Delay(1000);
            Assert.False(dispose.IsCompleted, "the engine was disposed under a running walk");
            Assert.True(e.IsDisposed);
            // new work is refused while the walk drains
            await Assert.ThrowsAsync<ObjectDisposedException>(() => SnapshotWriter.WriteAsync(e, new MemoryStream(), o));
            gate.Set();
            await snap;
            Assert.True(dispose.Wait(TimeSpan.FromSeconds(60)), "dispose did not finish after the walk");
        }
        finally
        {
            gate.Set();
        }
        Assert.Equal(expected.ToArray(), output.ToArray());
        Assert.Throws<ObjectDisposedException>(e.VerifyInvariant);
        e.Dispose(); // twice is fine
    }

    [Fact]
    public async Task A_cancelled_walk_releases_the_engine()
    {
        var e = await ImportAsync();
        var o = new SnapshotOptions { RecentStateRoots = 10, SkipOldMessages = true };
        using var gate = new ManualResetEventSlim(false);
        using var firstWrite = new ManualResetEventSlim(false);
        using var cts = new CancellationTokenSource();
        var snap = SnapshotWriter.WriteAsync(e, new GatedStream(gate, firstWrite), o, ct: cts.Token);
        Assert.True(firstWrite.Wait(TimeSpan.FromSeconds(60)));
        var dispose = Task.Run(e.Dispose);
        cts.Cancel();
        gate.Set();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => snap);
        Assert.True(dispose.Wait(TimeSpan.FromSeconds(60)));
    }
}
