using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Snapshot;

public class GoldenSnapshotTests
{
    private static byte[] Decompressed(string path)
    {
        using var f = File.OpenRead(path);
        using var z = new ZstdSharp.DecompressionStream(f);
        using var ms = new MemoryStream();
        z.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>The fixture with identity-hash sections removed (Lotus's walk never writes them).</summary>
    private static byte[] WithoutIdentityBlocks(byte[] car)
    {
        using var r = new CarReader(new MemoryStream(car));
        using var ms = new MemoryStream();
        using (var w = new CarWriter(ms, r.Roots, leaveOpen: true))
            while (r.TryRead(out var b))
                if (b.HashCode != Multicodec.Identity) w.Write(b.CidBytes.Span, b.Data.Span);
        return ms.ToArray();
    }

    private static async Task<byte[]> Write(ChainStore e, SnapshotOptions o)
    {
        using var ms = new MemoryStream();
        await SnapshotWriter.WriteAsync(e, ms, o);
        return ms.ToArray();
    }

    [FixtureFact]
    public async Task Chain4_N0_WithMessages_IsByteIdentical()
    {
        using var e = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        Assert.Equal(3, e.Head!.Height);
        e.VerifyInvariant();
        var bytes = await Write(e, new SnapshotOptions { RecentStateRoots = 0, SkipOldMessages = false });
        var expected = File.ReadAllBytes(Fixtures.Chain4);
        Assert.Equal(expected.Length, bytes.Length);
        Assert.True(expected.AsSpan().SequenceEqual(bytes), "snapshot differs from the Lotus export");
        e.VerifyInvariant(); // the writer's pins are released
    }

    [FixtureTheory]
    [InlineData("mainnet.car.zst")]
    [InlineData("calibnet.car.zst")]
    public async Task Genesis_N0_MatchesTheFixtureWithoutIdentityBlocks(string name)
    {
        var path = Fixtures.Filecoin(name);
        using var e = await SnapshotImporter.ImportAsync(path);
        Assert.Equal(0, e.Head!.Height);
        e.VerifyInvariant();
        // The genesis CARs (written by Lotus's genesis builder, not by an export) hold exactly what the walk writes
        // at height 0 with N=0 and skip-old-messages, then one more section: the genesis MsgMeta block (its two
        // empty AMTs are one block the state already reached); plus 10 identity blocks the walk never writes.
        var bytes = await Write(e, new SnapshotOptions { RecentStateRoots = 0, SkipOldMessages = true });
        var expected = WithoutIdentityBlocks(Decompressed(path));
        Assert.True(expected.AsSpan().StartsWith(bytes), "the walk differs from the genesis CAR");
        var msgMeta = e.Head.Headers[0].Messages;
        using (var rest = new CarReader(new MemoryStream(expected)))
        {
            var all = rest.ReadAll().ToList();
            Assert.Equal(msgMeta, all[^1].Cid);
            Assert.Equal(expected.Length - bytes.Length, CarWriter.SectionSize(msgMeta.Bytes.Length, all[^1].Data.Length));
        }
        // with messages kept (Lotus's default export) the same blocks are written, the MsgMeta right after the header
        var withMsgs = await Write(e, new SnapshotOptions { RecentStateRoots = 0 });
        Assert.Equal(expected.Length, withMsgs.Length);
        using var ours = new CarReader(new MemoryStream(withMsgs));
        var order = ours.ReadAll().Select(x => x.Cid).ToList();
        Assert.Equal(msgMeta, order[1]);
    }
}
