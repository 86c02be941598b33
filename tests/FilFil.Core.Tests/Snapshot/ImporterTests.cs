using FilFil.Core.Car;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

public class ImporterTests
{
    private static (IReadOnlyList<Cid> Roots, List<(byte[] Cid, byte[] Data, long Offset)> Sections) ReadChain4()
    {
        var sections = new List<(byte[], byte[], long)>();
        using var r = CarReader.Open(Fixtures.Chain4);
        while (r.TryRead(out var b)) sections.Add((b.CidBytes.ToArray(), b.Data.ToArray(), b.Offset));
        return (r.Roots, sections);
    }

    private static MemoryStream Write(IReadOnlyList<Cid> roots, IEnumerable<(byte[] Cid, byte[] Data)> sections)
    {
        var ms = new MemoryStream();
        using (var w = new CarWriter(ms, roots, leaveOpen: true))
            foreach (var (c, d) in sections) w.Write(c, d);
        ms.Position = 0;
        return ms;
    }

    [FixtureTheory]
    [InlineData(0)]      // the first block (a header, checked on its own)
    [InlineData(3)]
    [InlineData(700)]    // inside a verification batch
    [InlineData(1221)]   // the last block (the final, partial batch)
    public async Task A_block_whose_bytes_do_not_match_its_cid_fails_the_import_naming_its_offset_and_cid(int index)
    {
        var (roots, sections) = ReadChain4();
        var bad = sections[index];
        bad.Data[bad.Data.Length / 2] ^= 0x40;
        var input = Write(roots, sections.Select(s => (s.Cid, s.Data)));
        var e = await Assert.ThrowsAsync<FilFilFormatException>(() => SnapshotImporter.ImportAsync(input));
        Assert.Contains(Cid.FromBytes(bad.Cid).ToString(), e.Message);
        Assert.Contains("hash mismatch", e.Message);
        Assert.Contains(bad.Offset.ToString(), e.Message);
    }

    [FixtureFact]
    public async Task A_duplicate_section_is_checked_too_and_a_good_one_is_ignored()
    {
        var (roots, sections) = ReadChain4();
        var dup = (Cid: sections[500].Cid, Data: (byte[])sections[500].Data.Clone());
        var withGoodDup = sections.Select(s => (s.Cid, s.Data)).Append((dup.Cid, dup.Data)).ToList();
        using (var e = await SnapshotImporter.ImportAsync(Write(roots, withGoodDup)))
        {
            using var again = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
            Assert.Equal(again.Store.Count, e.Store.Count);
        }
        dup.Data[0] ^= 1;
        var withBadDup = sections.Select(s => (s.Cid, s.Data)).Append((dup.Cid, dup.Data)).ToList();
        var ex = await Assert.ThrowsAsync<FilFilFormatException>(() => SnapshotImporter.ImportAsync(Write(roots, withBadDup)));
        Assert.Contains(Cid.FromBytes(dup.Cid).ToString(), ex.Message);
    }
}
