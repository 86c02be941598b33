using FilFil.Core.Piece;
using FilFil.Core.Snapshot;
using FilFil.DealClient.Deals;
using Xunit;

namespace FilFil.DealClient.Tests;

/// <summary>The local snapshot must hold the published piece (same CID, a file of the published size) before anything is proposed.</summary>
public sealed class LocalPiecesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("filfil-localpieces-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SnapshotRecord Record(long height, int size, int seed, out SnapshotPiece piece)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var path = Path.Combine(_dir, $"{height}-{seed}.car");
        File.WriteAllBytes(path, bytes);
        var info = PieceCommitment.Compute(bytes);
        piece = new SnapshotPiece(path, info.PieceCidV1.ToString(), info.PieceCidV2.ToString(), info.PayloadSize, info.PaddedSize);
        return new SnapshotRecord { Height = height, TipSetKey = [], Paths = [path], Format = "lotus", Pieces = [piece], Created = DateTimeOffset.UtcNow };
    }

    private static StagedPiece Published(SnapshotPiece p) => new(0, p.PieceCidV1, p.PaddedSize, p.PayloadSize, -1);

    [Fact]
    public void ThePublishedPieceIsFound()
    {
        var r = Record(100, 1500, 1, out var p);
        Assert.Equal(p, LocalPieces.Find([Record(99, 1500, 9, out _), r], 100, Published(p)));
    }

    [Fact]
    public void AnotherCidIsRefusedNamingBoth()
    {
        var mine = Record(100, 1500, 1, out var local);
        Record(100, 1500, 2, out var published);
        var e = Assert.Throws<LocalPieceMismatchException>(() => LocalPieces.Find([mine], 100, Published(published)));
        Assert.Contains(local.PieceCidV1, e.Message, StringComparison.Ordinal);
        Assert.Contains(published.PieceCidV1, e.Message, StringComparison.Ordinal);
        Assert.Equal((local.PieceCidV1, published.PieceCidV1), (e.LocalCid, e.PublishedCid));
    }

    [Fact]
    public void NoSnapshotAtTheHeightOrAWrongSizeOrAMissingFileIsRefused()
    {
        var r = Record(100, 1500, 1, out var p);
        Assert.Contains("no local snapshot", Assert.Throws<LocalPieceMismatchException>(() => LocalPieces.Find([r], 101, Published(p))).Message, StringComparison.Ordinal);
        Assert.Contains("1499 bytes", Assert.Throws<LocalPieceMismatchException>(() => LocalPieces.Find([r], 100, Published(p) with { CarSize = 1499 })).Message, StringComparison.Ordinal);
        File.Delete(p.Path);
        Assert.Contains("missing", Assert.Throws<LocalPieceMismatchException>(() => LocalPieces.Find([r], 100, Published(p))).Message, StringComparison.Ordinal);
    }
}
