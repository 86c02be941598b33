using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;

namespace FilFil.DealClient.Deals;

/// <summary>
/// Finds, in the snapshot catalog, the local file of a published piece and checks it before anything is proposed:
/// the snapshot at the slot's height, piece by index, must have the published piece CID (snapshots are
/// deterministic for the same chain and options, so the provider's own FilFil took the same one) and a file of
/// exactly the published CAR size.
/// </summary>
public static class LocalPieces
{
    /// <exception cref="LocalPieceMismatchException">No local snapshot at the height, another piece CID (the message
    /// names both), or a missing or differently sized file.</exception>
    public static SnapshotPiece Find(IEnumerable<SnapshotRecord> records, ulong slot, StagedPiece published)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(published);
        var atHeight = records.Where(r => r.Height == (long)slot && r.Pieces.Length > 0)
            .OrderByDescending(r => r.Created).ToList();
        if (atHeight.Count == 0)
            throw new LocalPieceMismatchException(
                $"no local snapshot with pieces at height {slot}: take it first (New-FilFilSnapshot at height {slot}, uncompressed) so its piece {published.PieceCid} can be served")
            { PublishedCid = published.PieceCid };
        var want = Cid.Parse(published.PieceCid);
        string? local = null;
        foreach (var r in atHeight)
        {
            if (published.Index >= r.Pieces.Length) continue;
            var p = r.Pieces[published.Index];
            if (!Cid.TryParse(p.PieceCidV1, out var have) || !have.Equals(want)) { local ??= p.PieceCidV1; continue; }
            var file = new FileInfo(p.Path);
            if (!file.Exists)
                throw new LocalPieceMismatchException($"the local piece {p.PieceCidV1} of height {slot} is in the catalog but its file {p.Path} is missing")
                { PublishedCid = published.PieceCid, LocalCid = p.PieceCidV1 };
            if ((ulong)file.Length != published.CarSize)
                throw new LocalPieceMismatchException(
                    $"the local piece file {p.Path} is {file.Length} bytes but piece {published.Index} of slot {slot} was published with a CAR of {published.CarSize} bytes")
                { PublishedCid = published.PieceCid, LocalCid = p.PieceCidV1 };
            return p;
        }
        throw new LocalPieceMismatchException(local is null
            ? $"the local snapshot at height {slot} has no piece {published.Index} (published: {published.PieceCid})"
            : $"piece CID mismatch for slot {slot} piece {published.Index}: the local snapshot has {local}, the contract has {published.PieceCid}; nothing was proposed")
        { PublishedCid = published.PieceCid, LocalCid = local };
    }
}
