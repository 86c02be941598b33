using System.Diagnostics;
using FilFil.Core.Chain;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

/// <summary>kill -9 during a write used to leave <c>*.tmp-&lt;pid&gt;-&lt;guid&gt;</c> files that nothing removed.</summary>
public sealed class TempFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("filfil-tmp-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    private string Touch(string name)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, new byte[1000]);
        return path;
    }

    [Fact]
    public void Names_are_recognised_and_only_theirs()
    {
        Assert.True(TempFiles.IsTemporary(TempFiles.For("/x/snap.car")));
        Assert.True(TempFiles.IsTemporary("/x/catalog.json.tmp-123"));
        Assert.False(TempFiles.IsTemporary("/x/snap.car"));
        Assert.False(TempFiles.IsTemporary("/x/snap.tmp-car"));
        Assert.False(TempFiles.IsTemporary("/x/snap.car.tmp-12-notaguid"));
    }

    [FixtureFact]
    public async Task The_next_snapshot_in_a_folder_removes_the_files_of_dead_writers_and_keeps_live_ones()
    {
        string dead = Touch($"old.car.tmp-{DeadPid()}-{Guid.NewGuid():N}");
        string deadPiece = Touch($"old.000.car.tmp-{DeadPid()}-{Guid.NewGuid():N}");
        string mine = Touch($"mine.car.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string live = Touch($"live.car.tmp-1-{Guid.NewGuid():N}"); // pid 1 is always running
        string other = Touch("notes.txt");

        using var chain = await SnapshotImporter.ImportAsync(Fixtures.Chain4, new ChainStoreOptions());
        await SnapshotWriter.WriteFileAsync(chain, Path.Combine(_dir, "new.car"), new SnapshotOptions { RecentStateRoots = 0 });

        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(deadPiece));
        Assert.True(File.Exists(mine));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(Path.Combine(_dir, "new.car")));
    }
}
