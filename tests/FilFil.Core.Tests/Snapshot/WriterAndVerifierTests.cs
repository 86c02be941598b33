using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Encoding;
using FilFil.Core.Ipld;
using FilFil.Core.Piece;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

public class WriterAndVerifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("filfil-engine-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly SnapshotOptions Golden = new() { RecentStateRoots = 0 };

    [FixtureFact]
    public async Task FileOutputIsAtomicAndCancellationLeavesNothing()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        var path = Path.Combine(_dir, "s.car");
        var r = await SnapshotWriter.WriteFileAsync(e, path, Golden);
        Assert.Equal(File.ReadAllBytes(Fixtures.Chain4), File.ReadAllBytes(path));
        Assert.Equal(new FileInfo(path).Length, r.Bytes);
        await Assert.ThrowsAsync<FileExistsException>(() => SnapshotWriter.WriteFileAsync(e, path, Golden));

        using var cts = new CancellationTokenSource();
        var other = Path.Combine(_dir, "c.car");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SnapshotWriter.WriteFileAsync(e, other, Golden, s => new CancelAfter(s, cts, 1000), ct: cts.Token));
        Assert.Equal(new[] { "s.car" }, Directory.GetFiles(_dir).Select(Path.GetFileName));
        e.VerifyInvariant();
    }

    private sealed class CancelAfter(Stream inner, CancellationTokenSource cts, long limit) : Stream
    {
        private long _n;
        public override void Write(ReadOnlySpan<byte> b) { _n += b.Length; if (_n > limit) cts.Cancel(); inner.Write(b); }
        public override void Write(byte[] b, int o, int c) => Write(b.AsSpan(o, c));
        public override void Flush() => inner.Flush();
        public override bool CanRead => false; public override bool CanSeek => false; public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] b, int o, int c) => throw new NotSupportedException();
        public override long Seek(long o, SeekOrigin s) => throw new NotSupportedException();
        public override void SetLength(long v) => throw new NotSupportedException();
    }

    [FixtureFact]
    public async Task V2HasTheMetadataRootFirstAndImportsBack()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        using var ms = new MemoryStream();
        var r = await SnapshotWriter.WriteAsync(e, ms, Golden with { Format = SnapshotFormat.V2 });
        ms.Position = 0;
        using (var reader = new CarReader(new MemoryStream(ms.ToArray())))
        {
            Assert.True(reader.TryRead(out var first));
            Assert.Equal(reader.Roots[0], first.Cid);
            var md = SnapshotMetadata.TryDecode(first.Data.Span)!;
            Assert.Equal(e.Head!.Cids, md.HeadTipsetKey);
        }
        var v = SnapshotVerifier.Verify(new MemoryStream(ms.ToArray()));
        Assert.True(v.Ok);
        Assert.Equal(3, v.HeadHeight);
        using var back = await SnapshotImporter.ImportAsync(new MemoryStream(ms.ToArray()));
        using var v1 = new MemoryStream();
        await SnapshotWriter.WriteAsync(back, v1, Golden);
        Assert.Equal(File.ReadAllBytes(Fixtures.Chain4), v1.ToArray());
    }

    [FixtureFact]
    public async Task PiecesAreValidCarsThatJoinIntoTheSnapshot()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        var written = await SnapshotWriter.WritePiecesAsync(e, Path.Combine(_dir, "p"), 200_000, Golden);
        var pieces = written.Files;
        Assert.Equal(1222, written.Snapshot.Blocks);
        Assert.True(pieces.Count >= 6);
        long blocks = 0;
        foreach (var p in pieces)
        {
            Assert.True(new FileInfo(p).Length <= 200_000);
            using var r = CarReader.Open(p, verifyHashes: true);
            Assert.Equal(e.Head!.Cids, r.Roots);
            while (r.TryRead(out _)) blocks++;
        }
        Assert.Equal(1222, blocks);
        // each piece's commitment came out of the writing pass, over exactly the bytes of its file (header included)
        Assert.Equal(pieces.Count, written.Pieces.Count);
        for (int i = 0; i < pieces.Count; i++)
        {
            Assert.Equal(PieceCommitment.ComputeFile(pieces[i]), written.Pieces[i]);
            Assert.Equal((ulong)new FileInfo(pieces[i]).Length, written.Pieces[i].PayloadSize);
        }
        Assert.Equal(written.Pieces.Count, written.Pieces.Select(p => p.PieceCidV1).Distinct().Count());
        using var joined = new MemoryStream();
        SnapshotWriter.JoinPieces(pieces, joined);
        Assert.Equal(File.ReadAllBytes(Fixtures.Chain4), joined.ToArray());
        Assert.Equal(68_182_605_824L, SnapshotWriter.PiecePayloadLimit(64L << 30));
    }

    [FixtureFact]
    public async Task PiecesFailingMidwayLeaveNoFile()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        // the third piece's name is taken: the first two were already written (as temporary files) when that is found
        var taken = Path.Combine(_dir, "p.002.car");
        File.WriteAllText(taken, "precious");
        await Assert.ThrowsAsync<FileExistsException>(() => SnapshotWriter.WritePiecesAsync(e, Path.Combine(_dir, "p"), 200_000, Golden));
        Assert.Equal(new[] { "p.002.car" }, Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal("precious", File.ReadAllText(taken));
        // a block that cannot fit in a piece with the header fails the same way, after earlier pieces were written
        File.Delete(taken);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SnapshotWriter.WritePiecesAsync(e, Path.Combine(_dir, "q"), 2_000, Golden));
        Assert.Empty(Directory.GetFiles(_dir));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            SnapshotWriter.WritePiecesAsync(e, Path.Combine(_dir, "r"), (long)CommPHasher.MaxPayloadSize + 1, Golden));
        Assert.Empty(Directory.GetFiles(_dir));
        e.VerifyInvariant();
    }

    [FixtureFact]
    public void VerifierReportsTheFirstMissingBlockAndBadHashes()
    {
        var good = SnapshotVerifier.Verify(Fixtures.Chain4);
        Assert.True(good.Ok);
        Assert.Equal(1222, good.Blocks);
        Assert.Equal(1222, good.BlocksReached);
        Assert.Equal(4, good.HeadersWalked);

        // drop the 100th section, corrupt the 200th
        var sections = new List<(byte[] Cid, byte[] Data)>();
        IReadOnlyList<Cid> roots;
        using (var r = CarReader.Open(Fixtures.Chain4)) { roots = r.Roots; while (r.TryRead(out var b)) sections.Add((b.CidBytes.ToArray(), b.Data.ToArray())); }
        var dropped = Cid.FromBytes(sections[100].Cid);
        var corrupt = Cid.FromBytes(sections[200].Cid);
        sections[200].Data[^1] ^= 1;
        using var ms = new MemoryStream();
        using (var w = new CarWriter(ms, roots, leaveOpen: true))
            for (int i = 0; i < sections.Count; i++) if (i != 100) w.Write(sections[i].Cid, sections[i].Data);
        ms.Position = 0;
        var v = SnapshotVerifier.Verify(ms);
        Assert.False(v.Ok);
        Assert.Equal(1, v.BadHashes);
        Assert.Equal(corrupt, v.FirstBadHash);
        Assert.Equal(dropped, v.FirstMissing);
        Assert.Contains(corrupt.ToString(), v.Problem);
    }

    [Fact]
    public void A_CAR_without_roots_or_blocks_is_not_a_snapshot()
    {
        // Import-FilFilSnapshot refuses it; Test-FilFilSnapshot used to call it Ok
        using var ms = new MemoryStream();
        using (new CarWriter(ms, Array.Empty<Cid>(), leaveOpen: true)) { }
        ms.Position = 0;
        var v = SnapshotVerifier.Verify(ms);
        Assert.False(v.Ok);
        Assert.Equal(0, v.Blocks);
        Assert.Contains("no roots", v.Problem);
        ms.Position = 0;
        Assert.ThrowsAny<Exception>(() => SnapshotImporter.ImportAsync(ms, new ChainStoreOptions()).GetAwaiter().GetResult());
    }
}

public class StalledOutputTests
{
    [Fact]
    public async Task A_snapshot_waiting_on_its_output_does_not_hold_the_store_lock()
    {
        // about 14 MB of snapshot: more than the sink's eight 1 MiB buffers, so the walk must wait for the output
        var car = new MemoryStream();
        FilFil.Devnet.DevnetChain.WriteSyntheticCar(new FilFil.Devnet.DevnetOptions { StateBlocks = 40_000, AverageBlockSize = 320, ChurnPerEpoch = 16, MessagesPerBlock = 2, Seed = 7 }, car, 10);
        car.Position = 0;
        using var e = await SnapshotImporter.ImportAsync(car, new ChainStoreOptions { RecentStateRoots = 10, ReorgDepth = 0 });
        var o = new SnapshotOptions { RecentStateRoots = 10, SkipOldMessages = true };
        var expected = new MemoryStream();
        await SnapshotWriter.WriteAsync(e, expected, o);
        Assert.True(expected.Length > 12 << 20, $"{expected.Length} bytes");

        using var gate = new ManualResetEventSlim(false);
        using var firstWrite = new ManualResetEventSlim(false);
        var output = new GatedStream(gate, firstWrite);
        var snap = SnapshotWriter.WriteAsync(e, output, o);
        bool inserted;
        try
        {
            Assert.True(firstWrite.Wait(TimeSpan.FromSeconds(60)));
            await Task.Delay(1500); // the walk fills every free buffer, then waits for one
            Assert.False(snap.IsCompleted);
            // a follower inserting a block needs the store's write lock
            var data = new byte[100];
            new Random(1).NextBytes(data);
            var cid = Cid.Create(Multicodec.Raw, Multicodec.Blake2b256, Hashing.Blake2b256(data));
            var insert = Task.Run(() => e.Store.Insert(cid.Bytes, data));
            inserted = insert.Wait(TimeSpan.FromSeconds(20));
            gate.Set();
            await snap;
            e.Store.Remove(await insert);
        }
        finally
        {
            gate.Set();
        }
        Assert.True(inserted, "an insert waited for a snapshot stalled on its output");
        Assert.Equal(expected.ToArray(), output.ToArray());
        e.VerifyInvariant();
    }
}
