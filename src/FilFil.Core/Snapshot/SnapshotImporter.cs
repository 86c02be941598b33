using FilFil.Core.Car;
using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Snapshot;

/// <summary>
/// Loads a snapshot CAR (Lotus v1, FRC-0108 v2, CARv2 container, zstd or forest .car.zst) into a new
/// <see cref="Engine"/>: every block is hash-verified and staged in the store, the header chain is built from the
/// roots (or the v2 metadata's HeadTipsetKey), the window is linked from the staged blocks, and whatever no root
/// reaches (receipts, the metadata block, identity blocks) is dropped.
/// </summary>
public static class SnapshotImporter
{
    public static async Task<Engine> ImportAsync(string path, EngineOptions? options = null, CancellationToken ct = default)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return await ImportAsync(fs, options, ct).ConfigureAwait(false);
    }

    public static async Task<Engine> ImportAsync(Stream input, EngineOptions? options = null, CancellationToken ct = default)
    {
        var engine = new Engine(options);
        try
        {
            var head = Load(input, engine.Store, ct);
            await engine.BootstrapAsync(head, null, ct).ConfigureAwait(false);
            engine.Store.SweepUnreferenced();
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>Stages every block of the CAR in <paramref name="store"/> (verified) and returns the head tipset.</summary>
    internal static TipSet Load(Stream input, BlockStore store, CancellationToken ct)
    {
        using var reader = new CarReader(input, leaveOpen: true) { VerifyHashes = true };
        IReadOnlyList<Cid> headKey = reader.Roots;
        bool first = true;
        while (reader.TryRead(out var b))
        {
            if ((reader.BlocksRead & 4095) == 0) ct.ThrowIfCancellationRequested();
            if (!Hashing.CanVerify(b.HashCode))
                throw new FilFilFormatException("CAR", b.Offset, "blocks hashed with identity, sha2-256 or blake2b-256", Multicodec.HashName(b.HashCode));
            if (first && reader.Roots.Count == 1 && b.CidBytes.Span.SequenceEqual(reader.Roots[0].Bytes)
                && SnapshotMetadata.TryDecode(b.Data.Span, b.Offset) is { } md)
            {
                headKey = md.HeadTipsetKey;
            }
            first = false;
            if (b.HashCode == Multicodec.Identity || !DagLinks.IsBlockCodec(b.Codec)) continue;
            if (store.Find(b.CidBytes.Span) >= 0) continue; // a duplicate section
            store.Insert(b.CidBytes.Span, b.Data.Span);
        }
        if (headKey.Count == 0) throw new FilFilFormatException("CAR", 0, "at least one root", "none");
        return TipSet.Load(store, headKey);
    }
}
