using System.Text.Json;
using System.Text.Json.Serialization;

namespace FilFil.Core.Snapshot;

/// <summary>
/// The list of snapshots taken on this machine: a JSON file (default <c>$FILFIL_HOME/catalog.json</c>, else the
/// user's local application data folder <c>filfil/catalog.json</c>), rewritten atomically on every change.
/// </summary>
public sealed class SnapshotCatalog
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly object Gate = new();

    public SnapshotCatalog(string? path = null) => Path = path ?? DefaultPath();

    public string Path { get; }

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
            var all = Load().ToList();
            all.Add(record);
            Save(all);
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
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        string tmp = TempFiles.For(Path);
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(all, Json));
        File.Move(tmp, Path, overwrite: true);
    }
}
