using FilFil.Core.Car;
using System.Diagnostics;
using FilFil.Core.Chain;
using FilFil.Core.Piece;

namespace FilFil.Core.Snapshot;

/// <summary>Takes snapshots from an engine: the walk, the file(s), the piece commitments, the catalog entry.</summary>
public static class SnapshotService
{
    /// <summary>Smallest <see cref="TakeSnapshotRequest.PieceSize"/>: 1 MiB.</summary>
    public const long MinPieceSize = 1L << 20;
    /// <summary>Largest <see cref="TakeSnapshotRequest.PieceSize"/>: 64 GiB, the largest sector.</summary>
    public const long MaxPieceSize = 64L << 30;

    public static async Task<SnapshotRecord> TakeAsync(ChainStore engine, TakeSnapshotRequest req, SnapshotCatalog? catalog, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var ts = ResolveTipSet(engine, req);
        if (req.ZstdLevel > 0 && req.PieceSize is not null)
            throw new ArgumentException("pieces are plain CARs for deals; zstd output is a single file for distribution: use one or the other");
        var options = new SnapshotOptions { TipSet = ts, RecentStateRoots = req.RecentStateRoots, SkipOldMessages = req.SkipOldMessages, Format = req.Format };
        catalog?.CheckWritable(); // before the walk: a corrupt or read-only catalog fails here, not after the write
        var clock = Stopwatch.StartNew();
        SnapshotResult result;
        string[] paths;
        var pieces = new List<SnapshotPiece>();
        string? pending = null;
        SnapshotRecord? record = null;
        SnapshotRecord NewRecord(SnapshotResult r, string[] files) => new()
        {
            Height = ts.Height, TipSetKey = ts.Cids.Select(c => c.ToString()).ToArray(), Paths = files,
            Format = req.Format.ToString(), RecentStateRoots = req.RecentStateRoots, SkipOldMessages = req.SkipOldMessages,
            Compressed = req.ZstdLevel > 0, Bytes = r.Bytes, Blocks = r.Blocks, Headers = r.Headers,
            Pieces = pieces.ToArray(), Created = DateTimeOffset.UtcNow, Seconds = clock.Elapsed.TotalSeconds,
        };
        // the entry is recorded as pending before the files get their final names: a crash after the rename cannot lose it
        void Reserve(SnapshotRecord r)
        {
            record = r;
            pending = catalog?.Reserve(r);
        }
        if (req.PieceSize is { } sector)
        {
            if (sector < MinPieceSize || sector > MaxPieceSize || (sector & (sector - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(req), sector, "a piece size must be a power of two from 1 MiB to 64 GiB (32 GiB or 64 GiB for a whole sector)");
            string prefix = req.Path.EndsWith(".car", StringComparison.OrdinalIgnoreCase) ? req.Path[..^4] : req.Path;
            var written = await SnapshotWriter.WritePiecesAsync(engine, prefix, SnapshotWriter.PiecePayloadLimit(sector), options, progress, w =>
            {
                // Each piece file carries the snapshot's header again; its commP was computed over exactly its bytes as they were written.
                for (int i = 0; i < w.Files.Count; i++) pieces.Add(ToPiece(w.Files[i], w.Pieces[i]));
                Reserve(NewRecord(w.Snapshot, w.Files.ToArray()));
            }, ct).ConfigureAwait(false);
            paths = written.Files.ToArray();
            result = written.Snapshot;
        }
        else
        {
            // One pass: the CAR bytes go to the file and, for a plain CAR, through the commP hasher on its own thread.
            using var hasher = req.ZstdLevel > 0 ? null : new CommPHasher(SnapshotWriter.CommPParallelism);
            ZstdSharp.CompressionStream? zstd = null;
            Stream Tee(Stream file)
            {
                Stream target = file;
                if (req.ZstdLevel > 0) target = zstd = new ZstdSharp.CompressionStream(file, req.ZstdLevel, leaveOpen: true);
                return new ObservingStream(target, progress, zstd);
            }
            string full = System.IO.Path.GetFullPath(req.Path);
            result = await SnapshotWriter.WriteFileAsync(engine, req.Path, options, Tee, hasher, r =>
            {
                if (hasher is not null) pieces.Add(ToPiece(full, hasher.Finish())); // every byte has gone through it
                Reserve(NewRecord(r, [full]));
            }, ct).ConfigureAwait(false);
            paths = [full];
        }
        record = (record ?? NewRecord(result, paths)) with { Seconds = clock.Elapsed.TotalSeconds };
        if (catalog is null) return record;
        try
        {
            catalog.Add(record, pending);
            return record;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FilFilFormatException)
        {
            // the files are written and renamed into place: the caller keeps the record (and its piece CIDs)
            return record with { CatalogProblem = $"the snapshot was written, but {catalog.Path} was not updated: {e.Message}" };
        }
    }

    private static SnapshotPiece ToPiece(string path, PieceInfo p) =>
        new(path, p.PieceCidV1.ToString(), p.PieceCidV2.ToString(), p.PayloadSize, p.PaddedSize);

    /// <summary>The tipset a request names: by key, by height (the tipset at or below it), or the head.</summary>
    public static TipSet ResolveTipSet(ChainStore engine, TakeSnapshotRequest req)
    {
        var head = engine.Head ?? throw new InvalidOperationException("the engine holds no chain yet: import a snapshot or start a follower");
        var window = engine.Window;
        if (req.TipSetKey is { Count: > 0 } key)
            return window.FirstOrDefault(t => t.KeyEquals(key))
                ?? throw new ArgumentException($"tipset {{{string.Join(",", key)}}} is not in the engine's window ({window[0].Height}..{head.Height})");
        if (req.Height is { } h)
        {
            if (h > head.Height) throw new ArgumentOutOfRangeException(nameof(req), h, $"the head is at height {head.Height}");
            var t = window.LastOrDefault(x => x.Height <= h);
            if (t is null) throw new ArgumentOutOfRangeException(nameof(req), h, $"the engine's window starts at height {window[0].Height}");
            return t;
        }
        return head;
    }

    /// <summary>
    /// Forwards writes to <paramref name="inner"/> and reports the bytes written to the progress sink (the commP hasher
    /// gets the same bytes from the section sink, on its own thread). <see cref="Complete"/> ends the zstd stream
    /// (its last block and the frame's end), which the file writer calls once after the last section.
    /// </summary>
    private sealed class ObservingStream(Stream inner, IProgress<long>? progress, ZstdSharp.CompressionStream? zstd) : WriteOnlyStream
    {
        private long _written;
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            _written += buffer.Length;
            progress?.Report(_written);
        }
        public override void Flush() => inner.Flush();
        public override void Complete()
        {
            // ZstdSharp ends the frame (ZSTD_e_end) and writes it out only on Dispose; the file stays open (leaveOpen)
            if (zstd is not null) zstd.Dispose();
            else inner.Flush();
        }
        protected override long Written => _written;
    }
}
