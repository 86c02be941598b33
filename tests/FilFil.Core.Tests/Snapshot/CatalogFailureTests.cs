using FilFil.Core.Chain;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

/// <summary>
/// A snapshot that was written used to be reported as failed when its catalog entry could not be written, and the
/// caller lost its piece CIDs (a rerun then failed with "already exists").
/// </summary>
public sealed class CatalogFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("filfil-catalog-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [FixtureFact]
    public async Task A_corrupt_catalog_fails_before_the_walk_and_nothing_is_written()
    {
        string catalogPath = Path.Combine(_dir, "catalog.json");
        await File.WriteAllTextAsync(catalogPath, "[{\"Height\": 1, ");
        using var chain = await SnapshotImporter.ImportAsync(Fixtures.Chain4, new ChainStoreOptions());
        string out1 = Path.Combine(_dir, "snap.car");
        await Assert.ThrowsAsync<FilFilFormatException>(() =>
            SnapshotService.TakeAsync(chain, new TakeSnapshotRequest { Path = out1 }, new SnapshotCatalog(catalogPath)));
        Assert.False(File.Exists(out1));
        Assert.Empty(Directory.GetFiles(_dir, "snap*"));
    }

    [FixtureFact]
    public async Task A_catalog_that_cannot_be_updated_after_the_write_still_returns_the_record()
    {
        // the catalog's path is a folder: the checks before the walk pass, replacing the file fails after it
        string catalogPath = Path.Combine(_dir, "catalog.json");
        Directory.CreateDirectory(catalogPath);
        using var chain = await SnapshotImporter.ImportAsync(Fixtures.Chain4, new ChainStoreOptions());
        string out1 = Path.Combine(_dir, "snap.car");
        var record = await SnapshotService.TakeAsync(chain, new TakeSnapshotRequest { Path = out1 }, new SnapshotCatalog(catalogPath));
        Assert.NotNull(record.CatalogProblem);
        Assert.Contains(catalogPath, record.CatalogProblem);
        Assert.True(File.Exists(out1));
        var piece = Assert.Single(record.Pieces);
        Assert.Equal(FilFil.Core.Piece.PieceCommitment.ComputeFile(out1).PieceCidV1.ToString(), piece.PieceCidV1);
    }

    private static SnapshotRecord Record(int i) =>
        new() { Height = i, TipSetKey = [$"k{i}"], Paths = [$"/x/{i}.car"], Format = "V1" };

    [Fact]
    public void An_update_waits_for_the_lock_and_fails_clearly_when_it_stays_held()
    {
        var catalog = new SnapshotCatalog(Path.Combine(_dir, "catalog.json")) { LockTimeout = TimeSpan.FromMilliseconds(300) };
        catalog.Add(Record(1));
        using (new FileStream(catalog.LockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var e = Assert.Throws<IOException>(() => catalog.Add(Record(2)));
            Assert.Contains("locked by another process", e.Message, StringComparison.Ordinal);
            Assert.Single(catalog.List()); // readers take no lock
        }
        catalog.Add(Record(2)); // a lock file left behind (its holder gone) does not block
        Assert.Equal([1L, 2L], catalog.List().Select(r => r.Height));
    }

    [Fact]
    public async Task An_update_waits_while_another_holder_finishes()
    {
        var catalog = new SnapshotCatalog(Path.Combine(_dir, "catalog.json"));
        var held = new FileStream(catalog.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var add = Task.Run(() => catalog.Add(Record(1)));
        await Task.Delay(300);
        Assert.False(add.IsCompleted);
        await held.DisposeAsync();
        await add.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(catalog.List());
    }
}
