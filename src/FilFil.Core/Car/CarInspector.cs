using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Core.Car;

/// <summary>Reads a whole CAR, verifies every block hash it can, counts codecs, decodes root headers.</summary>
public static class CarInspector
{
    public static CarReport Inspect(string path, bool verifyHashes = true, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        using var reader = CarReader.Open(path);
        return Inspect(reader, path, verifyHashes, progress, ct);
    }

    public static CarReport Inspect(CarReader reader, string path, bool verifyHashes = true, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var codecs = new Dictionary<string, long>();
        var hashes = new Dictionary<string, long>();
        var failures = new List<Cid>();
        long failCount = 0, verified = 0, unverifiable = 0, blocks = 0, blockBytes = 0, headers = 0;
        long? minH = null, maxH = null;
        var rootSet = new HashSet<Cid>(reader.Roots);
        var rootHeaders = new Dictionary<Cid, RootHeader>();
        SnapshotMetadata? meta = null;
        bool first = true;
        while (reader.TryRead(out var b))
        {
            if ((blocks & 0x3FF) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(reader.Position);
            }
            blocks++;
            blockBytes += b.Data.Length;
            Count(codecs, Multicodec.CodecName(b.Codec));
            Count(hashes, Multicodec.HashName(b.HashCode));
            if (verifyHashes)
            {
                if (Hashing.CanVerify(b.HashCode))
                {
                    if (b.VerifyHash()) verified++;
                    else
                    {
                        failCount++;
                        if (failures.Count < 100) failures.Add(b.Cid);
                    }
                }
                else unverifiable++;
            }
            var cidSpan = b.CidBytes.Span;
            if (first && reader.Roots.Count == 1 && b.Codec == Multicodec.DagCbor && cidSpan.SequenceEqual(reader.Roots[0].Bytes))
            {
                meta = SnapshotMetadata.TryDecode(b.Data.Span, b.Offset);
                if (meta is not null) foreach (var c in meta.HeadTipsetKey) rootSet.Add(c);
            }
            first = false;
            if (b.Codec == Multicodec.DagCbor && LooksLikeHeader(b.Data.Span))
            {
                BlockHeader? h = null;
                try { h = BlockHeader.Decode(b.Data.Span, b.Offset); }
                catch (FilFilFormatException) { /* a 16-element array that is not a header */ }
                if (h is not null)
                {
                    headers++;
                    minH = minH is null ? h.Height : Math.Min(minH.Value, h.Height);
                    maxH = maxH is null ? h.Height : Math.Max(maxH.Value, h.Height);
                    var cid = b.Cid;
                    if (rootSet.Contains(cid))
                        rootHeaders[cid] = new RootHeader(cid, h.Height, h.Parents, h.ParentStateRoot, h.Messages, h.Timestamp, h.MinerAddress);
                }
            }
        }
        progress?.Report(reader.Position);
        var roots = meta?.HeadTipsetKey ?? reader.Roots;
        return new CarReport
        {
            Path = path, Roots = reader.Roots, ContainerVersion = reader.ContainerVersion, Compressed = reader.Compressed,
            Metadata = meta, Blocks = blocks, PayloadBytes = reader.Position, BlockBytes = blockBytes,
            Codecs = codecs, HashFunctions = hashes, HashesVerified = verified, HashesUnverifiable = unverifiable,
            HashFailures = failures, HashFailureCount = failCount,
            RootHeaders = roots.Where(rootHeaders.ContainsKey).Select(c => rootHeaders[c]).ToList(),
            MinHeaderHeight = minH, MaxHeaderHeight = maxH, HeaderCount = headers,
        };
    }

    /// <summary>Cheap pre-check: a definite 16-element array whose first item is a byte string (the miner address).</summary>
    public static bool LooksLikeHeader(ReadOnlySpan<byte> data) => data.Length > 2 && data[0] == 0x90 && (data[1] >> 5) == 2;

    private static void Count(Dictionary<string, long> d, string k) => d[k] = d.TryGetValue(k, out var v) ? v + 1 : 1;
}
