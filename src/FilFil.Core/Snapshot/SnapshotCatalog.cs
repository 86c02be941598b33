using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FilFil.Core.Logging;
using FilFil.Core.Store;

namespace FilFil.Core.Snapshot;

/// <summary>
/// The list of snapshots taken on this machine: a JSON file (default <c>$FILFIL_HOME/catalog.json</c>, else the
/// user's local application data folder <c>filfil/catalog.json</c>), rewritten atomically on every change.
/// </summary>
/// <remarks>
/// Processes that share the file update it one at a time: an update holds <c>catalog.json.lock</c> open with
/// <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Unix, which the kernel drops when the holder dies, even
/// by kill -9) while it reads, merges and renames the new list into place, and waits for it with bounded retries
/// (<see cref="LockTimeout"/>). Readers take no lock: the file is only ever replaced whole, by rename.
/// A snapshot's entry is first recorded as pending (<see cref="Reserve"/>, <c>catalog.json.pending-&lt;pid&gt;-&lt;guid&gt;</c>)
/// before its files get their final names, then added: a process killed between the renames and the update leaves the
/// pending record, which the next write (<see cref="CheckWritable"/>) or update settles once its writer is gone: the
/// files still under the writer's temporary names are renamed into place and the entry is added, or, when one of them
/// is gone, the files already renamed are deleted, so a split snapshot is never left with only some of its pieces.
/// </remarks>
public sealed class SnapshotCatalog
{
    private static readonly Serilog.ILogger Log = FilFilLog.For(typeof(SnapshotCatalog).FullName!);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly object Gate = new();

    public SnapshotCatalog(string? path = null) => Path = path ?? DefaultPath();

    public string Path { get; }

    /// <summary>The lock file beside the catalog that serializes updates across processes.</summary>
    public string LockPath => Path + ".lock";

    /// <summary>How long an update waits for another process's update before it fails with an <see cref="IOException"/>.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static string DefaultPath()
    {
        string? home = Environment.GetEnvironmentVariable("FILFIL_HOME");
        if (string.IsNullOrEmpty(home))
            home = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "filfil");
        return System.IO.Path.Combine(home, "catalog.json");
    }

    public IReadOnlyList<SnapshotRecord> List()
    {
        lock (Gate) return Load();
    }

    /// <summary>
    /// Throws when an entry could not be added now: the catalog file is corrupt (<see cref="FilFilFormatException"/>)
    /// or its folder is not writable (<see cref="UnauthorizedAccessException"/>, <see cref="IOException"/>). Checked
    /// before a snapshot's walk, so an hour of work is not lost to a bad catalog. Also settles the pending records
    /// of writers that died (as <see cref="Add"/> does) before this write removes their temporary files.
    /// </summary>
    public void CheckWritable()
    {
        lock (Gate)
        {
            Load();
            string dir = System.IO.Path.GetDirectoryName(Path)!;
            Directory.CreateDirectory(dir);
            string probe = TempFiles.For(Path);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            if (!DeadPending(null).Any()) return;
            try
            {
                using var held = AcquireLock();
                var all = Load();
                var done = AdoptPending(all, null);
                if (done.Count == 0) return;
                Save(all);
                foreach (var f in done) TryDelete(f);
            }
            catch (IOException e)
            {
                // the catalog is writable but busy: the update after this write settles them
                Log.Warning("Pending snapshot records of dead writers left for the next update: {Message}", e.Message);
            }
        }
    }

    /// <summary>
    /// Records <paramref name="record"/> as pending, before its files are renamed into place; returns the pending
    /// file to hand to <see cref="Add"/>, or null when it could not be written (then a crash before the update loses
    /// the entry, as it did before pending records existed).
    /// </summary>
    public string? Reserve(SnapshotRecord record)
    {
        try
        {
            string pending = string.Create(CultureInfo.InvariantCulture, $"{Path}{PendingMark}{Environment.ProcessId}-{Guid.NewGuid():N}");
            string tmp = TempFiles.For(pending);
            File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(record, Json));
            File.Move(tmp, pending);
            return pending;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// Adds <paramref name="record"/> (and the pending records of writers that died after their rename), then
    /// deletes its <paramref name="pending"/> file.
    /// </summary>
    public void Add(SnapshotRecord record, string? pending = null)
    {
        lock (Gate)
        {
            using var held = AcquireLock();
            var all = Load();
            var done = AdoptPending(all, pending);
            if (!Contains(all, record)) all.Add(record);
            Save(all);
            if (pending is not null) done.Add(pending);
            foreach (var f in done) TryDelete(f);
        }
    }

    private const string PendingMark = ".pending-";

    private static bool Contains(List<SnapshotRecord> all, SnapshotRecord r) => all.Exists(e => e.Paths.SequenceEqual(r.Paths, StringComparer.Ordinal));

    /// <summary>
    /// Adds to <paramref name="all"/> the pending records of processes that are gone, once their files are settled
    /// (<see cref="Settle"/>); returns every pending file of a gone process (to delete once the catalog is saved: a
    /// record already in it, a record whose files were removed, or a file that cannot be read).
    /// </summary>
    private List<string> AdoptPending(List<SnapshotRecord> all, string? own)
    {
        var done = new List<string>();
        foreach (var (f, pid) in DeadPending(own))
        {
            done.Add(f);
            try
            {
                var r = JsonSerializer.Deserialize<SnapshotRecord>(File.ReadAllBytes(f), Json);
                if (r is { Paths.Length: > 0 } && !Contains(all, r) && Settle(r, pid)) all.Add(r);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException) { }
        }
        return done;
    }

    /// <summary>The pending records (file, writer's process id) in the catalog's folder whose writer is gone.</summary>
    private IEnumerable<(string File, int Pid)> DeadPending(string? own)
    {
        string dir = System.IO.Path.GetDirectoryName(Path)!;
        string prefix = System.IO.Path.GetFileName(Path) + PendingMark;
        if (!Directory.Exists(dir)) yield break;
        foreach (var f in Directory.EnumerateFiles(dir, prefix + "*"))
        {
            if (f == own || TempFiles.IsTemporary(f)) continue;
            string rest = System.IO.Path.GetFileName(f)[prefix.Length..];
            int dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || TempFiles.IsRunning(pid)) continue; // still writing (or about to add it)
            yield return (f, pid);
        }
    }

    /// <summary>
    /// Puts the files of a dead writer's pending record in a state the catalog can hold: true when every one is under
    /// its final name (those still under the writer's temporary name, complete since the record is written only after
    /// every file is flushed, are renamed into place); false when that cannot be done, after deleting the files the
    /// writer had already renamed, so no split snapshot stays with only some of its pieces.
    /// </summary>
    private static bool Settle(SnapshotRecord r, int pid)
    {
        var renamed = r.Paths.Where(File.Exists).ToList();
        if (renamed.Count == r.Paths.Length) return true;
        var moved = new List<string>();
        try
        {
            foreach (var final in r.Paths.Except(renamed, StringComparer.Ordinal))
            {
                var tmp = WriterTemp(r, final, pid);
                if (tmp is null) break;
                File.Move(tmp, final, overwrite: false);
                moved.Add(final);
            }
            if (renamed.Count + moved.Count == r.Paths.Length)
            {
                Log.Warning("Snapshot {Path} of a writer killed while renaming it (process {Pid}): {Moved} of its {Files} files renamed into place and adopted",
                    r.Paths[0], pid, moved.Count, r.Paths.Length);
                return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        foreach (var f in renamed.Concat(moved)) TryDelete(f);
        Log.Warning("Snapshot {Path} of a writer killed while renaming it (process {Pid}): not all of its {Files} files were left, {Removed} removed",
            r.Paths[0], pid, r.Paths.Length, renamed.Count + moved.Count);
        return false;
    }

    /// <summary>The dead writer's one temporary file for <paramref name="final"/>, if it is there with the piece's size.</summary>
    private static string? WriterTemp(SnapshotRecord r, string final, int pid)
    {
        string? dir = System.IO.Path.GetDirectoryName(final);
        if (dir is null || !Directory.Exists(dir)) return null;
        var found = Directory.GetFiles(dir, System.IO.Path.GetFileName(final) + string.Create(CultureInfo.InvariantCulture, $".tmp-{pid}-*"))
            .Where(TempFiles.IsTemporary).ToList();
        if (found.Count != 1) return null;
        var piece = r.Pieces.FirstOrDefault(p => p.Path == final);
        if (piece is not null && (ulong)new FileInfo(found[0]).Length != piece.PayloadSize) return null;
        return found[0];
    }

    private static void TryDelete(string f)
    {
        try { File.Delete(f); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Opens the lock file exclusively, retrying while another process holds it (waits of 1 ms doubling to 64 ms,
    /// until <see cref="LockTimeout"/>). A folder that cannot be written fails at once.
    /// </summary>
    private FileStream AcquireLock()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var backoff = new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(64));
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
            {
                // held by another process (a sharing violation): wait for it, but not forever
                if (clock.Elapsed >= LockTimeout)
                    throw new IOException($"the snapshot catalog {Path} stayed locked by another process for {LockTimeout.TotalSeconds:0} s ({LockPath})", e);
            }
            var wait = backoff.Next(); // plus up to as much again at random, so waiting processes do not retry in step
            Thread.Sleep(wait + TimeSpan.FromTicks(Random.Shared.NextInt64(wait.Ticks)));
        }
    }

    private List<SnapshotRecord> Load()
    {
        if (!File.Exists(Path)) return new List<SnapshotRecord>();
        try
        {
            return JsonSerializer.Deserialize<List<SnapshotRecord>>(File.ReadAllBytes(Path), Json) ?? new List<SnapshotRecord>();
        }
        catch (JsonException e)
        {
            throw new FilFilFormatException("snapshot catalog", e.BytePositionInLine ?? 0, "a JSON list of snapshots", $"{e.Message} in {Path}", e);
        }
    }

    private void Save(List<SnapshotRecord> all)
    {
        string dir = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(dir);
        TempFiles.RemoveStale(dir); // catalog temp files of processes killed mid-update (and snapshots' in the same folder)
        string tmp = TempFiles.For(Path);
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(all, Json));
        File.Move(tmp, Path, overwrite: true);
    }
}
