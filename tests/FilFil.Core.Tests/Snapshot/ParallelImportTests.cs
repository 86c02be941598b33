using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;
using FilFil.Devnet;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

/// <summary>
/// Imports with verification and the link scan on several threads hold exactly what the one-thread import holds,
/// and fail on corrupt input with exactly its error (the first corrupt block in file order, by offset and CID).
/// </summary>
public sealed class ParallelImportTests
{
    // large enough for several verification batches per worker and link levels that are split among threads
    private static readonly Lazy<(byte[] Car, List<(byte[] Cid, byte[] Data, long Offset)> Sections, IReadOnlyList<Cid> Roots)> Chain = new(() =>
    {
        using var ms = new MemoryStream();
        DevnetChain.WriteSyntheticCar(new DevnetOptions { StateBlocks = 12_000, AverageBlockSize = 200, ChurnPerEpoch = 40, MessagesPerBlock = 3, Seed = 5 }, ms, 12);
        var car = ms.ToArray();
        var sections = new List<(byte[], byte[], long)>();
        using var r = new CarReader(new MemoryStream(car));
        while (r.TryRead(out var b)) sections.Add((b.CidBytes.ToArray(), b.Data.ToArray(), b.Offset));
        return (car, sections, r.Roots);
    });

    // above one thread, runs of at most 16 KiB: the 2.6 MB chain is cut into about 160 runs that workers take at once
    private static ChainStoreOptions Options(int parallelism) =>
        new() { RecentStateRoots = 12, ReorgDepth = 0, ImportParallelism = parallelism, ImportRunBytes = parallelism == 1 ? int.MaxValue : 16 << 10 };

    private static byte[] WriteCar(IReadOnlyList<Cid> roots, IEnumerable<(byte[] Cid, byte[] Data)> sections)
    {
        var ms = new MemoryStream();
        using (var w = new CarWriter(ms, roots, leaveOpen: true))
            foreach (var (c, d) in sections) w.Write(c, d);
        return ms.ToArray();
    }

    /// <summary>Imports <paramref name="car"/> on one thread and as given by <paramref name="options"/>: the same blocks, counts, window and direct links, and the invariant holds on both.</summary>
    private static async Task AssertSameAsSequential(byte[] car, ChainStoreOptions options)
    {
        using var one = await SnapshotImporter.ImportAsync(new MemoryStream(car), options with { ImportParallelism = 1, ImportRunBytes = int.MaxValue });
        using var many = await SnapshotImporter.ImportAsync(new MemoryStream(car), options);
        AssertSame(one, many);
    }

    private static void AssertSame(ChainStore one, ChainStore many)
    {
        one.VerifyInvariant();
        many.VerifyInvariant();
        Assert.Equal(one.Store.Count, many.Store.Count);
        Assert.Equal(one.Store.DataBytes, many.Store.DataBytes);
        Assert.Equal(one.Store.CidBytes, many.Store.CidBytes);
        Assert.Equal(Contents(one), Contents(many));
        Assert.Equal(one.Head!.Cids, many.Head!.Cids);
        Assert.Equal(one.Window.Select(t => t.Height), many.Window.Select(t => t.Height));
        Assert.Equal(one.Dag.DirectLinks.OrderBy(kv => kv.Key.ToString()), many.Dag.DirectLinks.OrderBy(kv => kv.Key.ToString()));
    }

    /// <summary>Every block with its reference and pin counts.</summary>
    private static Dictionary<string, (uint Refs, int Pins, int Length)> Contents(ChainStore e)
    {
        var d = new Dictionary<string, (uint, int, int)>();
        foreach (long a in e.Store.Addresses())
            d.Add(Convert.ToHexString(e.Store.GetCid(a)), (e.Store.GetRefs(a), e.Store.GetPins(a), e.Store.GetData(a).Length));
        return d;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Parallel_import_holds_exactly_what_the_sequential_import_holds(int parallelism)
    {
        var car = Chain.Value.Car;
        using var one = await SnapshotImporter.ImportAsync(new MemoryStream(car), Options(1));
        using var many = await SnapshotImporter.ImportAsync(new MemoryStream(car), Options(parallelism));
        Assert.True(one.Store.Count > 10_000, $"{one.Store.Count} blocks");
        Assert.Equal(0, one.Dag.ParallelLevels);
        Assert.True(many.Dag.ParallelLevels > 0, "no link level was split among threads");
        AssertSame(one, many);
        // the same bytes come out
        using var a = new MemoryStream();
        using var b = new MemoryStream();
        var so = new SnapshotOptions { RecentStateRoots = 12, SkipOldMessages = true };
        await SnapshotWriter.WriteAsync(one, a, so);
        await SnapshotWriter.WriteAsync(many, b, so);
        Assert.Equal(a.ToArray(), b.ToArray());
    }

    public static TheoryData<int[]> Corruptions => new()
    {
        new[] { 0 },            // the first block (checked on its own)
        new[] { 1 },
        new[] { 3000 },         // in a batch a worker verifies
        new[] { -1 },           // the last block (the final, partial batch)
        new[] { 9000, 600 },    // two: the first in file order is named, whichever thread finds it
        new[] { 7000, 6999, 20 },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task A_corrupt_block_fails_every_parallelism_with_the_same_error_naming_the_first_one(int[] at)
    {
        var (_, sections, roots) = Chain.Value;
        var copy = sections.Select(s => (s.Cid, Data: (byte[])s.Data.Clone(), s.Offset)).ToList();
        var indexes = at.Select(i => i < 0 ? copy.Count + i : i).ToList();
        foreach (int i in indexes) copy[i].Data[copy[i].Data.Length / 2] ^= 0x20;
        var ms = new MemoryStream();
        using (var w = new CarWriter(ms, roots, leaveOpen: true))
            foreach (var s in copy) w.Write(s.Cid, s.Data);
        var input = ms.ToArray();
        var first = copy[indexes.Min()];
        string? expected = null;
        foreach (int p in new[] { 1, 2, 4 })
        {
            var e = await Assert.ThrowsAsync<FilFilFormatException>(() => SnapshotImporter.ImportAsync(new MemoryStream(input), Options(p)));
            Assert.Equal(first.Offset, e.Offset);
            Assert.Contains(Cid.FromBytes(first.Cid).ToString(), e.Message);
            Assert.Contains("hash mismatch", e.Message);
            Assert.Equal(expected ??= e.Message, e.Message);
        }
    }

    [Fact]
    public async Task A_truncated_file_after_a_corrupt_block_names_the_corrupt_block_at_every_parallelism()
    {
        var (car, sections, _) = Chain.Value;
        var input = (byte[])car.Clone();
        var victim = sections[5000];
        // flip a byte inside the victim's data (its data ends right before the next section)
        long dataEnd = sections[5001].Offset;
        input[dataEnd - 1 - victim.Data.Length / 2] ^= 0x20;
        var cut = input.AsSpan(0, (int)sections[5100].Offset + 3).ToArray();
        foreach (int p in new[] { 1, 2 })
        {
            var e = await Assert.ThrowsAsync<FilFilFormatException>(() => SnapshotImporter.ImportAsync(new MemoryStream(cut), Options(p)));
            Assert.Equal(victim.Offset, e.Offset);
            Assert.Contains(Cid.FromBytes(victim.Cid).ToString(), e.Message);
        }
    }

    [Fact]
    public void A_negative_parallelism_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChainStore(new ChainStoreOptions { ImportParallelism = -1 }));
    }

    [FixtureTheory]
    [InlineData("mainnet-chain4-h0-3.car", 2, 2048)]
    [InlineData("mainnet-chain4-h0-3.car", 4, 512)]
    [InlineData("mainnet.car.zst", 2, 4096)]
    [InlineData("mainnet.car.zst", 3, 300)]
    [InlineData("calibnet.car.zst", 4, 1024)]
    public async Task Parallel_import_of_a_real_snapshot_holds_exactly_what_the_sequential_import_holds(string name, int parallelism, int runBytes)
    {
        // the real files are about one read buffer each: small runs make several threads insert at once
        var car = File.ReadAllBytes(Fixtures.Filecoin(name));
        await AssertSameAsSequential(car, new ChainStoreOptions { ImportParallelism = parallelism, ImportRunBytes = runBytes });
    }

    [Fact]
    public async Task Parallel_import_of_a_larger_chain_holds_exactly_what_the_sequential_import_holds()
    {
        using var ms = new MemoryStream();
        DevnetChain.WriteSyntheticCar(new DevnetOptions { StateBlocks = 60_000, AverageBlockSize = 260, ChurnPerEpoch = 50, MessagesPerBlock = 4, Seed = 11 }, ms, 30);
        var car = ms.ToArray();
        Assert.True(car.Length > 8 << 20, $"{car.Length} bytes: more than 8 read buffers");
        var options = new ChainStoreOptions { RecentStateRoots = 30, ReorgDepth = 0 };
        await AssertSameAsSequential(car, options with { ImportParallelism = 2 });              // whole buffers
        await AssertSameAsSequential(car, options with { ImportParallelism = 3, ImportRunBytes = 40_000 });
    }

    [Fact]
    public async Task A_block_missing_deep_in_a_split_level_is_named_alike_at_every_parallelism()
    {
        var (car, sections, roots) = Chain.Value;
        // a state block the 1-thread import holds once, from the second half of the file: deep in a wide level of
        // the link walk, which more threads split into chunks whose next levels are ranges of per-thread lists
        using var full = await SnapshotImporter.ImportAsync(new MemoryStream(car), Options(1));
        var gone = sections.Skip(sections.Count / 2).First(s =>
        {
            long a = full.Store.Find(s.Cid);
            return a >= 0 && full.Store.GetRefs(a) == 1 && full.Store.GetPins(a) == 0 && Children(s.Cid, s.Data) == 0;
        });
        var input = WriteCar(roots, sections.Where(s => s.Offset != gone.Offset).Select(s => (s.Cid, s.Data)));
        foreach (int p in new[] { 1, 2, 4 })
        {
            var e = await Assert.ThrowsAsync<FilFil.Core.Store.BlockUnavailableException>(() => SnapshotImporter.ImportAsync(new MemoryStream(input), Options(p)));
            Assert.Equal(Convert.ToHexString(gone.Cid), Convert.ToHexString(e.Cid.Bytes));
        }
    }

    /// <summary>How many storable links a block holds (a leaf, removed, leaves one block missing and nothing under it).</summary>
    private static int Children(byte[] cid, byte[] data)
    {
        var children = new FilFil.Core.Store.CidList(64);
        FilFil.Core.Store.DagLinks.AddChildren(cid, data, children);
        return children.Count;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Duplicate_sections_inserted_by_several_threads_at_once_are_stored_once(int parallelism)
    {
        var (car, sections, roots) = Chain.Value;
        // every section twice, once in file order and once from the end backwards (the copies meet in the middle,
        // where different runs insert the same CIDs at the same time), plus runs of neighbours repeated
        var dup = new List<(byte[], byte[])>();
        for (int i = 0; i < sections.Count; i++)
        {
            dup.Add((sections[i].Cid, sections[i].Data));
            var back = sections[sections.Count - 1 - i];
            dup.Add((back.Cid, back.Data));
            if (i % 97 == 0) dup.AddRange(sections.Skip(i).Take(5).Select(x => (x.Cid, x.Data)));
        }
        var input = WriteCar(roots, dup);
        using var plain = await SnapshotImporter.ImportAsync(new MemoryStream(car), Options(1));
        using var twice = await SnapshotImporter.ImportAsync(new MemoryStream(input), Options(parallelism) with { ImportRunBytes = 8 << 10 });
        twice.VerifyInvariant();
        Assert.Equal(Contents(plain), Contents(twice));
        Assert.Equal(plain.Store.DataBytes, twice.Store.DataBytes);
    }

    public static TheoryData<int[], int[]> CidCorruptions => new()
    {
        { new[] { 3000 }, Array.Empty<int>() },   // a malformed CID, parsed by a worker
        { new[] { 7000 }, new[] { 1000 } },       // a hash mismatch before it is named first
        { new[] { 1000 }, new[] { 7000 } },       // and a malformed CID before a mismatch
    };

    [Theory]
    [MemberData(nameof(CidCorruptions))]
    public async Task A_malformed_cid_fails_every_parallelism_with_the_same_error_as_the_first_problem_in_file_order(int[] badCids, int[] badData)
    {
        var (car, sections, _) = Chain.Value;
        var input = (byte[])car.Clone();
        foreach (int i in badCids)
        {
            // the CID's version varint, right after the section's one- or two-byte length varint: version 3 does not exist
            long at = sections[i].Offset + FilFil.Core.Encoding.Varint.Size((ulong)(sections[i].Cid.Length + sections[i].Data.Length));
            Assert.Equal(1, input[at]);
            input[at] = 3;
        }
        foreach (int i in badData) input[sections[i + 1].Offset - 1 - sections[i].Data.Length / 2] ^= 0x20;
        long firstBad = sections[badCids.Concat(badData).Min()].Offset;
        string? expected = null;
        foreach (int p in new[] { 1, 2, 4 })
        {
            var e = await Assert.ThrowsAsync<FilFilFormatException>(() => SnapshotImporter.ImportAsync(new MemoryStream(input), Options(p)));
            Assert.InRange(e.Offset, firstBad, firstBad + 4); // a mismatch names the section, a CID error the CID's own byte
            Assert.Equal(expected ??= e.Message, e.Message);
        }
        if (badData.Length > 0 && badData[0] < badCids[0]) Assert.Contains("hash mismatch", expected);
        else Assert.Contains("CID", expected);
    }
}
