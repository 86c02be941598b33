using System.Globalization;
using System.Text.Json;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;

namespace FilFil.Core.Serving;

/// <summary>
/// <c>/piece/{pieceCid}</c>, <c>/snapshots</c>, <c>/snapshots/latest</c>, <c>/snapshots/{height}.car[.zst]</c>,
/// <c>/snapshots/{file}</c> (a root's file) and <c>/healthz</c>. Files come only from the catalog records the session
/// hands over (written by <see cref="SnapshotWriter"/>, which renames a file into place only once it is complete and
/// the record is made after that) and from the root directories by a single safe name; names of temporary files
/// (<c>*.tmp-*</c>) are never served.
/// </summary>
internal static class CatalogRoutes
{
    private const string CarType = "application/vnd.ipld.car; version=1";
    private const string Immutable = "public, max-age=31536000, immutable";
    private const string Short = "public, max-age=60";

    // ------------------------------------------------------------------ /piece/{cid}

    /// <summary>
    /// The piece file whose v1 (<c>baga6ea4seaq...</c>) or v2 (<c>bafkzcib...</c>) piece CID is asked for, with the
    /// piece CID as asked for as the ETag (Curio: <c>w.Header().Set("Etag", pieceCid.String())</c>).
    /// </summary>
    public static async Task ServePieceAsync(Exchange ex, RequestTarget t, ServerSources sources, ServerOptions options)
    {
        if (t.Segments.Length != 2) { await ex.SendTextAsync(400, "use /piece/{pieceCid}").ConfigureAwait(false); return; }
        if (!IpfsGateway.TryParseCid(t.Segments[1], out var asked, out string why))
        {
            await ex.SendTextAsync(400, $"invalid piece CID '{t.Segments[1]}': {why}").ConfigureAwait(false);
            return;
        }
        foreach (var rec in Newest(sources.Snapshots()))
        {
            foreach (var p in rec.Pieces)
            {
                if (Matches(p.PieceCidV1, asked) || Matches(p.PieceCidV2, asked))
                {
                    if (!IsServableName(p.Path)) continue;
                    var rep = new FileRepresentation(p.Path, CarType, asked.ToString(), Immutable, (long)p.PayloadSize);
                    await FileResponder.ServeAsync(ex, rep, options).ConfigureAwait(false);
                    return;
                }
            }
        }
        await ex.SendTextAsync(404, $"no piece {asked} in the snapshots of this session").ConfigureAwait(false);
    }

    private static bool Matches(string catalogCid, Cid asked) =>
        Cid.TryParse(catalogCid, out var c) && c.Equals(asked);

    private static IEnumerable<SnapshotRecord> Newest(IReadOnlyList<SnapshotRecord> all) =>
        all.OrderByDescending(r => r.Created).ThenByDescending(r => r.Height);

    private static bool IsServableName(string path) => !Path.GetFileName(path).Contains(".tmp-", StringComparison.Ordinal);

    // ------------------------------------------------------------------ /snapshots

    public static async Task ServeSnapshotsAsync(Exchange ex, RequestTarget t, ServerSources sources, ServerOptions options)
    {
        var all = sources.Snapshots();
        if (t.Segments.Length == 1)
        {
            await SendJsonAsync(ex, w =>
            {
                w.WriteStartArray();
                foreach (var r in all.OrderByDescending(r => r.Height).ThenByDescending(r => r.Created)) WriteRecord(w, r);
                w.WriteEndArray();
            }).ConfigureAwait(false);
            return;
        }
        if (t.Segments.Length != 2) { await ex.SendTextAsync(404, "use /snapshots, /snapshots/latest or /snapshots/{height}.car").ConfigureAwait(false); return; }
        string name = t.Segments[1];
        if (name == "latest")
        {
            var latest = all.OrderByDescending(r => r.Height).ThenByDescending(r => r.Created).FirstOrDefault();
            if (latest is null) { await ex.SendTextAsync(404, "no snapshot has been taken or imported in this session").ConfigureAwait(false); return; }
            await SendJsonAsync(ex, w => WriteRecord(w, latest)).ConfigureAwait(false);
            return;
        }
        if (TryHeightName(name, out long height, out bool zst))
        {
            var candidates = all.Where(r => r.Height == height).OrderByDescending(r => r.Created).ToList();
            var rec = candidates.FirstOrDefault(r => r.Paths.Length == 1 && r.Compressed == zst && IsServableName(r.Paths[0]));
            if (rec is null)
            {
                string msg = candidates.Count == 0
                    ? $"no snapshot at height {height}"
                    : $"the snapshot at height {height} is not one {(zst ? "zstd" : "plain")} file (it may be split into pieces: see /snapshots and /piece/{{cid}})";
                await ex.SendTextAsync(404, msg).ConfigureAwait(false);
                return;
            }
            string etag = rec.Pieces.Length == 1 ? rec.Pieces[0].PieceCidV1 : $"{rec.Height}-{rec.Created.UtcTicks}";
            var rep = new FileRepresentation(rec.Paths[0], zst ? "application/zstd" : CarType, etag, Short);
            await FileResponder.ServeAsync(ex, rep, options).ConfigureAwait(false);
            return;
        }
        if (RequestTarget.IsSafeFileName(name))
        {
            foreach (var root in options.Roots)
            {
                var file = RootFile(root, name);
                if (file is null) continue;
                var fi = new FileInfo(file);
                var rep = new FileRepresentation(file, name.EndsWith(".zst", StringComparison.Ordinal) ? "application/zstd" : CarType,
                    string.Create(CultureInfo.InvariantCulture, $"{fi.Length}-{fi.LastWriteTimeUtc.Ticks}"), Short);
                await FileResponder.ServeAsync(ex, rep, options).ConfigureAwait(false);
                return;
            }
        }
        await ex.SendTextAsync(404, $"no snapshot file '{name}'").ConfigureAwait(false);
    }

    private static bool TryHeightName(string name, out long height, out bool zst)
    {
        zst = name.EndsWith(".car.zst", StringComparison.Ordinal);
        string stem = zst ? name[..^8] : name.EndsWith(".car", StringComparison.Ordinal) ? name[..^4] : "";
        height = 0;
        return stem.Length is > 0 and <= 18 && stem.All(char.IsAsciiDigit) && long.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out height);
    }

    /// <summary>
    /// The regular file <paramref name="name"/> directly in <paramref name="root"/>, or null; a symbolic link is
    /// followed only when its final target is inside the root (as the root's own real path).
    /// </summary>
    internal static string? RootFile(string root, string name)
    {
        string realRoot = RealPath(Path.GetFullPath(root));
        string full = Path.GetFullPath(Path.Combine(realRoot, name));
        if (!IsUnder(full, realRoot)) return null;
        var fi = new FileInfo(full);
        if (!fi.Exists) return null;
        if (fi.LinkTarget is not null)
        {
            var target = fi.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists || target is not FileInfo || !IsUnder(RealPath(target.FullName), realRoot)) return null;
        }
        return full;
    }

    private static string RealPath(string path)
    {
        // resolve links on the directory chain of the root itself (e.g. /tmp -> /private/tmp)
        try
        {
            var di = new DirectoryInfo(path);
            if (di.Exists && di.LinkTarget is not null) return di.ResolveLinkTarget(true)?.FullName ?? path;
        }
        catch (IOException) { }
        return path;
    }

    private static bool IsUnder(string full, string root)
    {
        string r = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        return full.StartsWith(r, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    private static void WriteRecord(Utf8JsonWriter w, SnapshotRecord r)
    {
        w.WriteStartObject();
        w.WriteNumber("height", r.Height);
        w.WriteStartArray("tipSetKey");
        foreach (var c in r.TipSetKey) w.WriteStringValue(c);
        w.WriteEndArray();
        w.WriteString("takenAt", r.Created);
        w.WriteString("format", r.Format);
        w.WriteBoolean("compressed", r.Compressed);
        w.WriteNumber("recentStateRoots", r.RecentStateRoots);
        w.WriteBoolean("skipOldMessages", r.SkipOldMessages);
        w.WriteNumber("bytes", r.Bytes);
        w.WriteNumber("blocks", r.Blocks);
        w.WriteStartArray("files");
        foreach (var p in r.Paths)
        {
            w.WriteStartObject();
            w.WriteString("name", Path.GetFileName(p));
            long size = -1;
            try { size = new FileInfo(p).Length; } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            if (size >= 0) w.WriteNumber("size", size); else w.WriteNull("size");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (r.Paths.Length == 1) w.WriteString("url", $"/snapshots/{r.Height}.car{(r.Compressed ? ".zst" : "")}");
        w.WriteStartArray("pieces");
        foreach (var p in r.Pieces)
        {
            w.WriteStartObject();
            w.WriteString("pieceCid", p.PieceCidV1);
            w.WriteString("pieceCidV2", p.PieceCidV2);
            w.WriteNumber("payloadSize", p.PayloadSize);
            w.WriteNumber("paddedSize", p.PaddedSize);
            w.WriteString("fileName", Path.GetFileName(p.Path));
            w.WriteString("url", $"/piece/{p.PieceCidV1}");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    // ------------------------------------------------------------------ /healthz

    public static async Task ServeHealthAsync(Exchange ex, ServerSources sources)
    {
        var engine = sources.ChainStore();
        TipSet? head = null;
        long blocks = 0;
        string? reason = engine is null ? "no engine is loaded" : null;
        if (engine is not null)
        {
            try
            {
                head = engine.Head;
                blocks = engine.Store.Count;
                if (head is null) reason = "the engine has no head yet";
            }
            catch (ObjectDisposedException) { reason = "the engine was closed"; }
        }
        long? lag = sources.FollowerLag?.Invoke();
        int status = reason is null ? 200 : 503;
        ex.Header("Cache-Control", "no-store");
        await SendJsonAsync(ex, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", reason is null ? "ok" : "unavailable");
            if (reason is not null) w.WriteString("reason", reason);
            if (head is not null)
            {
                w.WriteNumber("height", head.Height);
                w.WriteStartArray("tipSetKey");
                foreach (var c in head.Cids) w.WriteStringValue(c.ToString());
                w.WriteEndArray();
                // the head's state root: held whole when the engine keeps state at its head (a follower does), for /ipfs/{cid}?format=car
                w.WriteString("parentStateRoot", head.Headers[0].ParentStateRoot.ToString());
                w.WriteNumber("blocks", blocks);
            }
            if (lag is { } l) w.WriteNumber("followerLag", l); else w.WriteNull("followerLag");
            w.WriteEndObject();
        }, status).ConfigureAwait(false);
    }

    private static async Task SendJsonAsync(Exchange ex, Action<Utf8JsonWriter> write, int status = 200)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true })) write(w);
        if (status == 200 && !ex.Response.Headers.AllKeys.Contains("Cache-Control")) ex.Header("Cache-Control", "no-cache");
        await ex.SendBytesAsync(status, ms.ToArray(), "application/json; charset=utf-8").ConfigureAwait(false);
    }
}
