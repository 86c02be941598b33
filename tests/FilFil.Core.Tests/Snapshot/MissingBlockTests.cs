using FilFil.Core.Car;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;
using FilFil.Core.Store;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

/// <summary>
/// A snapshot of an engine whose store lacks a block the walk needs (the store lost it: the engine's invariant is
/// broken on purpose) fails with <see cref="BlockUnavailableException"/> naming that block, leaves no file under the
/// final name, no temporary file and no catalog entry, pending or not.
/// </summary>
public sealed class MissingBlockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("filfil-missing-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The CID of the last block of the chain4 CAR: a state block deep under the genesis state root.</summary>
    private static Cid LastBlock()
    {
        using var r = new CarReader(File.OpenRead(Fixtures.Chain4));
        Cid last = default;
        while (r.TryRead(out var b)) last = b.Cid;
        return last;
    }

    [FixtureTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_walk_fails_naming_the_block_and_leaves_nothing(bool split)
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        var gone = LastBlock();
        e.Store.Remove(e.Store.Find(gone.Bytes));
        var catalog = new SnapshotCatalog(Path.Combine(_dir, "home", "catalog.json"));
        string path = Path.Combine(_dir, "out", "s.car");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var req = new TakeSnapshotRequest { Path = path, RecentStateRoots = 0, PieceSize = split ? SnapshotService.MinPieceSize : null };
        var ex = await Assert.ThrowsAsync<BlockUnavailableException>(() => SnapshotService.TakeAsync(e, req, catalog));
        Assert.Equal(gone, ex.Cid);
        Assert.Contains(gone.ToString(), ex.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no final file, no piece, no temp
        Assert.Empty(catalog.List());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(catalog.Path)!, "*.pending-*"));
    }
}
