using FilFil.Core.Snapshot;

namespace FilFil.PowerShell;

/// <summary>The catalog re-read only when its file changed (a request must not parse the JSON every time).</summary>
internal sealed class CatalogCache(SnapshotCatalog catalog)
{
    private readonly object _gate = new();
    private (DateTime Written, long Length) _stamp;
    private IReadOnlyList<SnapshotRecord> _records = [];

    public IReadOnlyList<SnapshotRecord> List()
    {
        var fi = new FileInfo(catalog.Path);
        var stamp = fi.Exists ? (fi.LastWriteTimeUtc, fi.Length) : (DateTime.MinValue, -1L);
        lock (_gate)
        {
            if (stamp != _stamp)
            {
                _records = catalog.List();
                _stamp = stamp;
            }
            return _records;
        }
    }
}
