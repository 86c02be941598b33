using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Snapshot;

/// <summary>
/// Checks a snapshot file the way Lotus would use it: every block's hash, and that every block Lotus's walk needs
/// from the roots is present — headers back to genesis, the genesis parent and state, and for each header whose
/// Messages / ParentStateRoot root is in the file, that whole DAG. Reports the first missing CID in walk order.
/// </summary>
public static class SnapshotVerifier
{
    public static SnapshotVerification Verify(string path, CancellationToken ct = default)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Verify(fs, ct);
    }

    public static SnapshotVerification Verify(Stream input, CancellationToken ct = default)
    {
        using var store = new BlockStore();
        using var reader = new CarReader(input, leaveOpen: true);
        IReadOnlyList<Cid> headKey = reader.Roots;
        long blocks = 0, bad = 0;
        Cid? firstBad = null;
        bool first = true;
        while (reader.TryRead(out var b))
        {
            if ((++blocks & 4095) == 0) ct.ThrowIfCancellationRequested();
            bool ok = Hashing.CanVerify(b.HashCode) && b.VerifyHash();
            if (!ok)
            {
                bad++;
                firstBad ??= b.Cid;
                continue;
            }
            if (first && reader.Roots.Count == 1 && b.CidBytes.Span.SequenceEqual(reader.Roots[0].Bytes)
                && SnapshotMetadata.TryDecode(b.Data.Span, b.Offset) is { } md)
                headKey = md.HeadTipsetKey;
            first = false;
            if (b.HashCode == Multicodec.Identity || !DagLinks.IsBlockCodec(b.Codec)) continue;
            if (store.Find(b.CidBytes.Span) < 0) store.Insert(b.CidBytes.Span, b.Data.Span);
        }
        Cid? missing = null;
        long reached = 0, headHeight = -1;
        long headAddr = headKey.Count > 0 ? store.Find(headKey[0].Bytes) : -1;
        if (headAddr >= 0) headHeight = HeaderLinks.Read(store.GetData(headAddr)).Height;
        using var walk = new LotusWalk(store,
            h => store.Contains(h.Messages.Bytes),
            h => store.Contains(h.ParentStateRoot.Bytes),
            _ => reached++,
            c => missing ??= c)
        { CancellationToken = ct };
        walk.Run(headKey);
        return new SnapshotVerification(headKey, headHeight, blocks, bad, firstBad, missing, walk.HeadersWalked, reached);
    }
}
