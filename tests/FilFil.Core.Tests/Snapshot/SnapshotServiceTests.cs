using FilFil.Core.Piece;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

public sealed class SnapshotServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("filfil-svc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [FixtureFact]
    public async Task Single_file_snapshot_gets_its_piece_cid_in_the_same_pass_and_a_catalog_entry()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        var catalog = new SnapshotCatalog(Path.Combine(_dir, "catalog.json"));
        var out1 = Path.Combine(_dir, "s.car");
        var rec = await SnapshotService.TakeAsync(e, new TakeSnapshotRequest { Path = out1 }, catalog);
        Assert.Equal(File.ReadAllBytes(Fixtures.Chain4), File.ReadAllBytes(out1));
        var piece = Assert.Single(rec.Pieces);
        Assert.Equal(PieceCommitment.ComputeFile(out1).PieceCidV1.ToString(), piece.PieceCidV1);
        Assert.Equal(1222, rec.Blocks);
        Assert.Equal(3, rec.Height);
        var listed = Assert.Single(catalog.List());
        Assert.Equal(rec.Paths, listed.Paths);
        Assert.Equal(rec.TipSetKey, listed.TipSetKey);
        Assert.Equal(piece, Assert.Single(listed.Pieces));
        Assert.Equal((rec.Height, rec.Blocks, rec.Bytes, rec.Created), (listed.Height, listed.Blocks, listed.Bytes, listed.Created));
    }

    [FixtureFact]
    public async Task Pieces_fit_the_sector_and_each_gets_its_own_piece_cid()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        const long sector = SnapshotService.MinPieceSize; // 1 MiB pieces, so the 1.1 MB chain splits
        var reported = new List<long>();
        var progress = new SyncProgress(reported.Add);
        var rec = await SnapshotService.TakeAsync(e, new TakeSnapshotRequest { Path = Path.Combine(_dir, "p.car"), PieceSize = sector }, null, progress);
        Assert.True(rec.Pieces.Length >= 2, $"{rec.Pieces.Length} pieces");
        Assert.NotEmpty(reported); // progress for pieces too: the snapshot stream's bytes, ending at its size
        Assert.Equal(rec.Bytes, reported[^1]);
        Assert.Equal(reported.OrderBy(x => x), reported);
        Assert.Equal(rec.Paths, rec.Pieces.Select(p => p.Path));
        Assert.Equal(1222, rec.Blocks);
        foreach (var p in rec.Pieces)
        {
            Assert.True(p.PayloadSize <= (ulong)SnapshotWriter.PiecePayloadLimit(sector));
            Assert.True(p.PaddedSize <= sector);
            Assert.Equal(PieceCommitment.ComputeFile(p.Path).PieceCidV1.ToString(), p.PieceCidV1);
        }
    }

    [FixtureFact]
    public async Task Bad_requests_fail_before_writing_anything()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        var path = Path.Combine(_dir, "x.car");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SnapshotService.TakeAsync(e, new TakeSnapshotRequest { Path = path, Height = 4 }, null));
        // a piece size is a power of two from 1 MiB to 64 GiB
        foreach (long size in new[] { 1000L, 512L << 10, 3L << 20, 128L << 30 })
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SnapshotService.TakeAsync(e, new TakeSnapshotRequest { Path = path, PieceSize = size }, null));
        await Assert.ThrowsAsync<ArgumentException>(() => SnapshotService.TakeAsync(e, new TakeSnapshotRequest { Path = path, PieceSize = 32L << 30, ZstdLevel = 3 }, null));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [FixtureFact]
    public async Task Compressed_snapshot_ends_its_zstd_stream_and_decompresses_to_the_snapshot()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        var path = Path.Combine(_dir, "s.car.zst");
        var rec = await SnapshotService.TakeAsync(e, new TakeSnapshotRequest { Path = path, ZstdLevel = 3 }, null);
        Assert.True(rec.Compressed);
        Assert.Empty(rec.Pieces);
        using var z = new ZstdSharp.DecompressionStream(File.OpenRead(path));
        using var plain = new MemoryStream();
        z.CopyTo(plain); // a stream that was not ended fails here (truncated frame)
        Assert.Equal(File.ReadAllBytes(Fixtures.Chain4), plain.ToArray());
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the pool, so its order is not guaranteed).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
