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

    private static ChainStoreOptions Options(int parallelism) => new() { RecentStateRoots = 12, ReorgDepth = 0, ImportParallelism = parallelism };

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
        one.VerifyInvariant();
        many.VerifyInvariant();
        Assert.True(one.Store.Count > 10_000, $"{one.Store.Count} blocks");
        Assert.Equal(0, one.Dag.ParallelLevels);
        Assert.True(many.Dag.ParallelLevels > 0, "no link level was split among threads");
        Assert.Equal(one.Store.Count, many.Store.Count);
        Assert.Equal(one.Store.DataBytes, many.Store.DataBytes);
        Assert.Equal(Contents(one), Contents(many));
        Assert.Equal(one.Head!.Cids, many.Head!.Cids);
        Assert.Equal(one.Window.Select(t => t.Height), many.Window.Select(t => t.Height));
        Assert.Equal(one.Dag.DirectLinks.OrderBy(kv => kv.Key.ToString()), many.Dag.DirectLinks.OrderBy(kv => kv.Key.ToString()));
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
}
