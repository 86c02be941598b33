using System.Text.Json;
using System.Text.Json.Serialization;

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
/// </remarks>
public sealed class SnapshotCatalog
{
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
    /// before a snapshot's walk, so an hour of work is not lost to a bad catalog.
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
        }
    }

    public void Add(SnapshotRecord record)
    {
        lock (Gate)
        {
            using var held = AcquireLock();
            var all = Load();
            all.Add(record);
            Save(all);
        }
    }

    /// <summary>
    /// Opens the lock file exclusively, retrying while another process holds it (waits of 1 ms doubling to 64 ms,
    /// until <see cref="LockTimeout"/>). A folder that cannot be written fails at once.
    /// </summary>
    private FileStream AcquireLock()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int wait = 1;
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
            Thread.Sleep(wait + Random.Shared.Next(wait));
            wait = Math.Min(64, wait * 2);
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
