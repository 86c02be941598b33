using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>
/// Lotus's WalkSnapshot (chain/store/snapshot.go) for one head: BFS over headers; for each new header the header, then its
/// Messages DAG (DFS pre-order over tag-42 links, DAG-CBOR blocks scanned), the genesis parent for height 0, then its
/// ParentStateRoot DAG; identity CIDs and codecs other than cbor/dag-cbor/raw are not emitted.
/// </summary>
internal static class SnapshotWalk
{
    public static void Walk(IReadOnlyList<Cid> head, long fromHeight, bool includeMessages, Func<Cid, byte[]?> get, Action<Cid, byte[]> emit) =>
        Walk(head, includeMessages ? fromHeight : long.MaxValue, fromHeight, get, emit);

    /// <summary>
    /// The walk with Lotus's two cut-offs: messages of headers at or above <paramref name="messagesFrom"/> (skipOldMsgs),
    /// state of headers at or above <paramref name="stateFrom"/> (H - inclRecentRoots + 1) and of genesis.
    /// </summary>
    public static void Walk(IReadOnlyList<Cid> head, long messagesFrom, long stateFrom, Func<Cid, byte[]?> get, Action<Cid, byte[]> emit)
    {
        var seen = new HashSet<Cid>();
        var walked = new HashSet<Cid>();
        var queue = new Queue<Cid>(head);
        while (queue.Count > 0)
        {
            var c = queue.Dequeue();
            if (!seen.Add(c)) continue;
            var data = get(c) ?? throw new DevnetRpcException($"ipld: could not find {c}");
            emit(c, data);
            var h = BlockHeader.Decode(data);
            var list = new List<Cid>();
            if (h.Height >= messagesFrom && walked.Add(h.Messages))
            {
                list.Add(h.Messages);
                Recurse(h.Messages, walked, list, get);
            }
            if (h.Height > 0) foreach (var p in h.Parents) queue.Enqueue(p);
            else list.AddRange(h.Parents);
            if ((h.Height == 0 || h.Height >= stateFrom) && walked.Add(h.ParentStateRoot))
            {
                list.Add(h.ParentStateRoot);
                Recurse(h.ParentStateRoot, walked, list, get);
            }
            foreach (var l in list)
            {
                if (l.IsIdentity || l.Codec is not (Multicodec.Cbor or Multicodec.DagCbor or Multicodec.Raw)) continue;
                if (!seen.Add(l)) continue;
                emit(l, get(l) ?? throw new DevnetRpcException($"ipld: could not find {l}"));
            }
        }
    }

    private static void Recurse(Cid root, HashSet<Cid> walked, List<Cid> list, Func<Cid, byte[]?> get)
    {
        if (root.Codec != Multicodec.DagCbor) return;
        var data = get(root) ?? throw new DevnetRpcException($"ipld: could not find {root}");
        foreach (var c in CborLinks.Collect(data))
        {
            if (!walked.Add(c)) continue;
            list.Add(c);
            Recurse(c, walked, list, get);
        }
    }
}
