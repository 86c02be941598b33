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

    /// <summary>
    /// Stages every block of the CAR in <paramref name="store"/> and returns the head tipset. Every block is
    /// hash-verified: BLAKE2b blocks in batches after they are copied into the store (multi-buffer hashing; a
    /// mismatch fails the import, whose caller discards the store), anything else one by one before it is stored.
    /// </summary>
    internal static TipSet Load(Stream input, BlockStore store, CancellationToken ct)
    {
        using var reader = new CarReader(input, leaveOpen: true);
        var batch = new VerifyBatch(store);
        IReadOnlyList<Cid> headKey = reader.Roots;
        bool first = true;
        while (reader.TryRead(out var b))
        {
            if ((reader.BlocksRead & 4095) == 0) ct.ThrowIfCancellationRequested();
            if (!Hashing.CanVerify(b.HashCode))
                throw new FilFilFormatException("CAR", b.Offset, "blocks hashed with identity, sha2-256 or blake2b-256", Multicodec.HashName(b.HashCode));
            bool batched = b.HashCode == Multicodec.Blake2b256 && b.Parts.DigestLength == 32 && DagLinks.IsBlockCodec(b.Codec);
            if (!batched || first)
            {
                if (!b.VerifyHash()) throw Mismatch(b.Offset, b.CidBytes.Span);
                batched = false;
            }
            if (first && reader.Roots.Count == 1 && b.CidBytes.Span.SequenceEqual(reader.Roots[0].Bytes)
                && SnapshotMetadata.TryDecode(b.Data.Span, b.Offset) is { } md)
            {
                headKey = md.HeadTipsetKey;
            }
            first = false;
            if (b.HashCode == Multicodec.Identity || !DagLinks.IsBlockCodec(b.Codec)) continue;
            if (store.TryInsert(b.CidBytes.Span, b.Data.Span, out long addr))
            {
                if (batched && batch.Add(addr, b.Parts.DigestOffset, b.Offset)) batch.Verify();
            }
            else if (batched && !b.VerifyHash())
            {
                throw Mismatch(b.Offset, b.CidBytes.Span); // a duplicate section with other bytes
            }
        }
        batch.Verify();
        if (headKey.Count == 0) throw new FilFilFormatException("CAR", 0, "at least one root", "none");
        return TipSet.Load(store, headKey);
    }

    private static FilFilFormatException Mismatch(long offset, ReadOnlySpan<byte> cid) =>
        new("CAR", offset, $"block bytes that hash to {Cid.FromBytes(cid)}", "a hash mismatch");

    /// <summary>BLAKE2b-256 blocks already copied into the store, verified together (<see cref="Blake2bBatch"/>).</summary>
    private sealed unsafe class VerifyBatch(BlockStore store)
    {
        private const int Size = 512;
        private readonly long[] _addrs = new long[Size];
        private readonly int[] _digestAt = new int[Size];
        private readonly long[] _offsets = new long[Size];
        private readonly nint[] _ptrs = new nint[Size];
        private readonly int[] _lengths = new int[Size];
        private readonly byte[] _digests = new byte[32 * Size];
        private int _n;

        /// <summary>Queues a stored block; true when the batch is full.</summary>
        public bool Add(long addr, int digestOffset, long carOffset)
        {
            _addrs[_n] = addr;
            _digestAt[_n] = digestOffset;
            _offsets[_n] = carOffset;
            _n++;
            return _n == Size;
        }

        public void Verify()
        {
            if (_n == 0) return;
            for (int i = 0; i < _n; i++)
            {
                var data = store.GetData(_addrs[i]);
                _ptrs[i] = (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(data));
                _lengths[i] = data.Length;
            }
            Blake2bBatch.Hash256(_ptrs.AsSpan(0, _n), _lengths.AsSpan(0, _n), _digests);
            for (int i = 0; i < _n; i++)
            {
                var cid = store.GetCid(_addrs[i]);
                if (!cid.Slice(_digestAt[i], 32).SequenceEqual(_digests.AsSpan(32 * i, 32))) throw Mismatch(_offsets[i], cid);
            }
            _n = 0;
        }
    }
}
