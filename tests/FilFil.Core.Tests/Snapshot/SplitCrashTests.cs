using System.Diagnostics;
using System.Text.Json;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

/// <summary>
/// A split snapshot's pieces are renamed one after the other after its pending catalog record is written. A writer
/// killed (kill -9) between two renames left the pieces already renamed under their final names with no catalog
/// entry: the next update dropped the pending record because not all its files existed, and the next write removed
/// the other pieces' temporary files. These tests leave on disk exactly what such a kill leaves (a real split
/// snapshot, a pending record of a dead process, some pieces still under that process's temporary names) and check
/// that the next write or update settles it: all pieces adopted as one entry, or none left.
/// </summary>
public sealed class SplitCrashTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("filfil-splitcrash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CatalogPath => Path.Combine(_dir, "home", "catalog.json");

    /// <summary>The id of a process that has exited.</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    /// <summary>
    /// A split snapshot whose writer (process <paramref name="pid"/>) was killed after renaming its first
    /// <paramref name="renamed"/> pieces: the others are under its temporary names, its pending record is beside the catalog.
    /// </summary>
    private async Task<(SnapshotRecord Record, string[] Temps)> KilledBetweenRenames(FilFil.Core.Chain.ChainStore e, int pid, int renamed)
    {
        var rec = await SnapshotService.TakeAsync(e, new TakeSnapshotRequest { Path = Path.Combine(_dir, "p.car"), PieceSize = SnapshotService.MinPieceSize }, null);
        Assert.True(rec.Paths.Length >= 2, $"{rec.Paths.Length} pieces");
        var temps = new List<string>();
        foreach (var f in rec.Paths.Skip(renamed))
        {
            string tmp = $"{f}.tmp-{pid}-{Guid.NewGuid():N}";
            File.Move(f, tmp);
            temps.Add(tmp);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(CatalogPath)!);
        File.WriteAllBytes($"{CatalogPath}.pending-{pid}-{Guid.NewGuid():N}", JsonSerializer.SerializeToUtf8Bytes(rec));
        return (rec, temps.ToArray());
    }

    private static SnapshotRecord Other(int i) => new() { Height = i, TipSetKey = [$"k{i}"], Paths = [$"/x/{i}.car"], Format = "V1" };

    private void AssertNothingPendingOrTemporary()
    {
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(CatalogPath)!, "*.pending-*"));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*", SearchOption.AllDirectories));
    }

    [FixtureFact]
    public async Task Pieces_left_under_temporary_names_are_renamed_into_place_and_adopted_as_one_entry()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        var (rec, _) = await KilledBetweenRenames(e, DeadPid(), renamed: 1);
        var catalog = new SnapshotCatalog(CatalogPath);
        catalog.Add(Other(1));
        var entry = Assert.Single(catalog.List(), r => r.Paths.Length > 1);
        Assert.Equal(rec.Paths, entry.Paths);
        Assert.Equal(rec.Pieces, entry.Pieces);
        foreach (var p in rec.Pieces)
            Assert.Equal(FilFil.Core.Piece.PieceCommitment.ComputeFile(p.Path).PieceCidV1.ToString(), p.PieceCidV1);
        AssertNothingPendingOrTemporary();
    }

    [FixtureFact]
    public async Task The_next_snapshot_in_the_folder_adopts_the_pieces_before_it_cleans_temporary_files()
    {
        // the next write removes the temp files of dead processes in its folder: the pending record must be settled first
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        var (rec, _) = await KilledBetweenRenames(e, DeadPid(), renamed: 1);
        var catalog = new SnapshotCatalog(CatalogPath);
        var next = await SnapshotService.TakeAsync(e, new TakeSnapshotRequest { Path = Path.Combine(_dir, "q.car"), PieceSize = SnapshotService.MinPieceSize }, catalog);
        Assert.Null(next.CatalogProblem);
        var entries = catalog.List();
        Assert.Equal(2, entries.Count);
        Assert.Contains(entries, r => r.Paths.SequenceEqual(rec.Paths));
        Assert.All(rec.Paths, p => Assert.True(File.Exists(p), p));
        AssertNothingPendingOrTemporary();
    }

    [FixtureFact]
    public async Task Pieces_whose_temporary_files_are_gone_are_removed_not_left_without_an_entry()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        var (rec, temps) = await KilledBetweenRenames(e, DeadPid(), renamed: 1);
        foreach (var t in temps) File.Delete(t); // e.g. removed as stale by a write of an older version
        var catalog = new SnapshotCatalog(CatalogPath);
        catalog.Add(Other(1));
        Assert.DoesNotContain(catalog.List(), r => r.Paths.Length > 1);
        Assert.All(rec.Paths, p => Assert.False(File.Exists(p), p));
        AssertNothingPendingOrTemporary();
    }

    [FixtureFact]
    public async Task A_temporary_piece_of_the_wrong_size_is_not_adopted()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        int pid = DeadPid();
        var (rec, temps) = await KilledBetweenRenames(e, pid, renamed: 0);
        using (var f = new FileStream(temps[^1], FileMode.Open)) f.SetLength(f.Length - 1); // not the file the record describes
        var catalog = new SnapshotCatalog(CatalogPath);
        catalog.Add(Other(1));
        Assert.DoesNotContain(catalog.List(), r => r.Paths.Length > 1);
        Assert.All(rec.Paths, p => Assert.False(File.Exists(p), p));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(CatalogPath)!, "*.pending-*"));
    }
}
