using System.Diagnostics;
using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Logging;
using Serilog;
using FilFil.Core.Encoding;
using FilFil.Core.Ipld;
using FilFil.Core.Piece;

namespace FilFil.Core.Snapshot;

/// <summary>
/// Writes Lotus-compatible snapshots from a <see cref="ChainStore"/>: the blocks of Lotus's <c>WalkSnapshot</c> in
/// its exact order (see <see cref="LotusWalk"/>), as CARv1 or FRC-0108 v2. What the walk reads is pinned in the
/// engine for the duration, so the follower keeps applying tipsets meanwhile.
/// </summary>
public static class SnapshotWriter
{
    private static readonly ILogger Log = FilFilLog.For(typeof(SnapshotWriter).FullName!);

    /// <summary>Writes the snapshot to <paramref name="output"/> (left open).</summary>
    /// <param name="hasher">
    /// When given, every byte of the snapshot also goes through it, on its own thread and at its own pace (the caller
    /// finishes it): the piece commitment in the same pass, without the file write and the hashing waiting on each other.
    /// </param>
    public static async Task<SnapshotResult> WriteAsync(ChainStore engine, Stream output, SnapshotOptions options, CommPHasher? hasher = null, CancellationToken ct = default)
    {
        return await WriteAsync(engine, () => new CarSectionSink(output, hasher), options, ct).ConfigureAwait(false);
    }

    /// <summary>Pins what the walk reads, then runs it into the sink <paramref name="newSink"/> makes (on the pool).</summary>
    private static async Task<SnapshotResult> WriteAsync(ChainStore engine, Func<CarSectionSink> newSink, SnapshotOptions options, CancellationToken ct)
    {
        var ts = options.TipSet ?? engine.Head ?? throw new InvalidOperationException("the engine has no head");
        if (options.RecentStateRoots < 0) throw new ArgumentOutOfRangeException(nameof(options), options.RecentStateRoots, "RecentStateRoots must be 0 or more");
        var clock = Stopwatch.StartNew();
        using var pin = await engine.PinForSnapshotAsync(ts, options.RecentStateRoots, options.SkipOldMessages, ct).ConfigureAwait(false);
        await engine.WalkGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Log.Information("Snapshot of {Height} {TipSet:l} (N={RecentStateRoots}, {Format}): pinned in {Elapsed}; walking",
                ts.Height, string.Join(",", ts.Cids), options.RecentStateRoots, options.Format, clock.Elapsed);
            clock.Restart();
            var r = await Task.Run(() =>
            {
                using var sink = newSink();
                return WriteLocked(engine, ts, sink, options, ct);
            }, ct).ConfigureAwait(false);
            Log.Information("Snapshot of {Height} written: {Blocks} blocks, {Headers} headers, {Bytes} bytes in {Elapsed}",
                ts.Height, r.Blocks, r.Headers, r.Bytes, clock.Elapsed);
            return r;
        }
        finally
        {
            engine.WalkGate.Release();
        }
    }

    private static SnapshotResult WriteLocked(ChainStore engine, TipSet ts, CarSectionSink sink, SnapshotOptions o, CancellationToken ct)
    {
        var store = engine.Store;
        long h = ts.Height, n = o.RecentStateRoots;
        IReadOnlyList<Cid> roots;
        byte[]? meta = null;
        Cid metaCid = default;
        if (o.Format == SnapshotFormat.V2)
        {
            var md = new SnapshotMetadata(ts.Cids, null);
            meta = md.Encode();
            metaCid = md.ComputeCid(meta);
            roots = new[] { metaCid };
        }
        else
        {
            roots = ts.Cids;
        }
        // The walk fills one buffer while earlier ones are written and, with a hasher, hashed.
        sink.WriteHeader(roots);
        if (meta is not null) sink.WriteSection(metaCid.Bytes, meta);
        using var walk = new LotusWalk(store,
            hd => !o.SkipOldMessages || hd.Height > h - n,
            hd => hd.Height > h - n,
            addr => sink.WriteSection(store.GetCid(addr), store.GetData(addr)))
        { CancellationToken = ct };
        sink.AroundWait = walk.OutsideLock; // a slow disk must not keep the follower's inserts waiting
        walk.Run(ts.Cids);
        sink.Complete();
        ct.ThrowIfCancellationRequested();
        return new SnapshotResult(ts, roots, sink.BytesWritten, sink.BlocksWritten, walk.HeadersWalked);
    }

    /// <summary>
    /// Writes the snapshot to <paramref name="path"/> atomically: a temporary file beside it, flushed to disk, then
    /// renamed. On failure or cancellation no file is left. <paramref name="tee"/> wraps the file stream (e.g. a
    /// compressor or a progress observer); <paramref name="hasher"/> as in <see cref="WriteAsync"/>.
    /// </summary>
    /// <param name="beforeRename">Called once the file is complete on disk, just before it is renamed into place
    /// (the catalog records a pending entry there, so a crash after the rename cannot lose it).</param>
    public static async Task<SnapshotResult> WriteFileAsync(ChainStore engine, string path, SnapshotOptions options, Func<Stream, Stream>? tee = null, CommPHasher? hasher = null,
        Action<SnapshotResult>? beforeRename = null, CancellationToken ct = default)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new FileExistsException(full);
        TempFiles.RemoveStale(Path.GetDirectoryName(full)!);
        string tmp = TempFiles.For(full);
        try
        {
            SnapshotResult r;
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                var wb = new WritebackFileStream(fs);
                var s = tee?.Invoke(wb) ?? wb;
                r = await WriteAsync(engine, s, options, hasher, ct).ConfigureAwait(false);
                if (s is WriteOnlyStream w) w.Complete(); // e.g. ends a zstd stream
                else s.Flush();
                fs.Flush(flushToDisk: true);
            }
            ct.ThrowIfCancellationRequested();
            beforeRename?.Invoke(r);
            File.Move(tmp, full, overwrite: false);
            return r;
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// Worker threads for a snapshot's commP: every processor but one, which the walk needs. With all of them, the
    /// hashing workers and the walk take turns on the same cores, and on two vCPUs a snapshot with commP took about
    /// 1.9 x the time and 2 x the CPU of one with a single hashing thread (`snapshot` benchmark).
    /// </summary>
    public static int CommPParallelism => Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Unpadded payload a sector of <paramref name="sectorSize"/> bytes takes (127/128 of it, Fr32).</summary>
    public static long PiecePayloadLimit(long sectorSize) => sectorSize / 128 * 127;

    /// <summary>
    /// Writes the snapshot split into pieces of at most <paramref name="maxPieceBytes"/> each (use
    /// <see cref="PiecePayloadLimit"/> of the sector size). Every piece is a complete CARv1 with the snapshot's
    /// header (same roots) followed by whole block sections, so Boost can open each piece as a CAR; the snapshot
    /// is the first piece followed by the sections of the others (<see cref="JoinPieces"/>). Files are
    /// <c>prefix.000.car</c>, <c>prefix.001.car</c> ..., written atomically (temporary files, fsync, renamed only
    /// once every piece is written; on failure or cancellation none is left). The cuts are made where the sections
    /// are framed, and each piece's bytes go through its own <see cref="CommPHasher"/> on the commP thread as they
    /// are written (as a single file's do), so its piece commitment comes out of the same pass.
    /// </summary>
    /// <param name="progress">Receives the bytes of the snapshot stream written so far (its header counted once), once per buffer written.</param>
    /// <param name="beforeRename">Called once every piece is complete on disk, just before they are renamed into place.</param>
    public static async Task<PiecesResult> WritePiecesAsync(ChainStore engine, string pathPrefix, long maxPieceBytes, SnapshotOptions options, IProgress<long>? progress = null,
        Action<PiecesResult>? beforeRename = null, CancellationToken ct = default)
    {
        if (maxPieceBytes <= 0 || (ulong)maxPieceBytes > CommPHasher.MaxPayloadSize)
            throw new ArgumentOutOfRangeException(nameof(maxPieceBytes), maxPieceBytes, $"a piece holds 1 to {CommPHasher.MaxPayloadSize} bytes (a 64 GiB sector)");
        var files = new PieceFiles(Path.GetFullPath(pathPrefix));
        try
        {
            CarSectionSink? sink = null;
            var result = await WriteAsync(engine, () => sink = new CarSectionSink(files, maxPieceBytes, CommPParallelism, progress), options, ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            var written = new PiecesResult(files.Files, sink!.Pieces, result);
            beforeRename?.Invoke(written);
            files.Commit();
            Log.Information("Snapshot of {Height} split into {Pieces} pieces of at most {PieceBytes} bytes, each with its piece CID", result.TipSet.Height, files.Files.Count, maxPieceBytes);
            return written;
        }
        catch
        {
            files.Abort();
            throw;
        }
    }

    /// <summary>
    /// Test hook of the crash campaign (bench <c>crash</c>): runs between two piece renames of a split snapshot, to
    /// widen that window so a kill at a random moment lands in it. Null (nothing) otherwise.
    /// </summary>
    internal static Action? BetweenPieceRenames { get; set; }

    /// <summary>Joins pieces written by <see cref="WritePiecesAsync"/> back into the single Lotus snapshot stream.</summary>
    public static void JoinPieces(IReadOnlyList<string> pieces, Stream output)
    {
        for (int i = 0; i < pieces.Count; i++)
        {
            using var f = File.OpenRead(pieces[i]);
            if (i > 0)
            {
                int pos = 0;
                var head = new byte[Varint.MaxLength];
                int got = f.Read(head);
                ulong len = Varint.Read(head.AsSpan(0, got), ref pos, 0, "CAR header length");
                f.Position = pos + (long)len;
            }
            f.CopyTo(output);
        }
    }

    /// <summary>
    /// The files of a split snapshot: <c>prefix.000.car</c>, <c>prefix.001.car</c> ..., each written to a temporary
    /// file and flushed to disk when the next starts (on the sink's writer thread), all renamed into place by
    /// <see cref="Commit"/>.
    /// </summary>
    private sealed class PieceFiles(string prefix) : IPieceFiles
    {
        private readonly List<string> _tmp = new();
        private readonly List<string> _final = new();
        private FileStream? _cur;
        private int _committed;           // pieces renamed into place by Commit

        public List<string> Files => _final;

        public Stream StartPiece()
        {
            EndPieces();
            string final = $"{prefix}.{_final.Count:D3}.car";
            if (File.Exists(final)) throw new FileExistsException(final);
            if (_final.Count == 0) TempFiles.RemoveStale(Path.GetDirectoryName(Path.GetFullPath(final))!);
            string tmp = TempFiles.For(final);
            _tmp.Add(tmp);
            _final.Add(final);
            _cur = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            return new WritebackFileStream(_cur);
        }

        public void EndPieces()
        {
            if (_cur is null) return;
            _cur.Flush(flushToDisk: true);
            _cur.Dispose();
            _cur = null;
        }

        /// <summary>Renames every piece into place (after the sink completed).</summary>
        public void Commit()
        {
            for (; _committed < _tmp.Count; _committed++)
            {
                if (_committed > 0) BetweenPieceRenames?.Invoke();
                File.Move(_tmp[_committed], _final[_committed], overwrite: false);
            }
        }

        /// <summary>Deletes everything written: temporary files and pieces already renamed by a failed <see cref="Commit"/>.</summary>
        public void Abort()
        {
            try { _cur?.Dispose(); } catch (IOException) { }
            _cur = null;
            for (int i = 0; i < _tmp.Count; i++)
            {
                try { File.Delete(i < _committed ? _final[i] : _tmp[i]); } catch (IOException) { }
            }
            _final.Clear();
        }
    }
}
