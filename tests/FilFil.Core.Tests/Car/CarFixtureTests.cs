using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Core.Tests.Car;

public class CarFixtureTests
{
    [FixtureFact]
    public void Mainnet_genesis_parses_and_every_hash_verifies()
    {
        var r = CarInspector.Inspect(Fixtures.MainnetGenesis);
        Assert.True(r.Compressed);
        Assert.Equal(1222, r.Blocks);
        Assert.Equal(1_104_195, r.PayloadBytes);
        Assert.Equal("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2", Assert.Single(r.Roots).ToString());
        Assert.Equal(0, r.HashFailureCount);
        Assert.Equal(1222, r.HashesVerified);
        Assert.Equal(1211, r.HashFunctions["blake2b-256"]);
        Assert.Equal(1, r.HashFunctions["sha2-256"]);
        Assert.Equal(10, r.HashFunctions["identity"]);
        Assert.Equal(10, r.Codecs["raw"]);
        var h = Assert.Single(r.RootHeaders);
        Assert.Equal(0, h.Height);
        Assert.Equal(1598306400UL, h.Timestamp);
        Assert.Equal("f00", h.Miner);
        Assert.Equal("bafyreiaqpwbbyjo4a42saasj36kkrpv4tsherf2e7bvezkert2a7dhonoi", Assert.Single(h.Parents).ToString());
    }

    [FixtureFact]
    public void Calibnet_genesis_parses_and_every_hash_verifies()
    {
        var r = CarInspector.Inspect(Fixtures.CalibnetGenesis);
        Assert.Equal(1207, r.Blocks);
        Assert.Equal(1_101_066, r.PayloadBytes);
        Assert.Equal("bafy2bzacecyaggy24wol5ruvs6qm73gjibs2l2iyhcqmvi7r7a4ph7zx3yqd4", Assert.Single(r.Roots).ToString());
        Assert.Equal(0, r.HashFailureCount);
        Assert.Equal(0, Assert.Single(r.RootHeaders).Height);
    }

    [FixtureFact]
    public void Chain4_root_header_is_height_3_with_its_parents()
    {
        var r = CarInspector.Inspect(Fixtures.Chain4);
        Assert.False(r.Compressed);
        Assert.Equal(1222, r.Blocks);
        Assert.Equal(1_107_835, r.PayloadBytes);
        Assert.Equal(0, r.HashFailureCount);
        Assert.Equal("bafy2bzacedjrqan2fwfvhfopi64yickki7miiksecglpeiavf7xueytnzevlu", r.Roots[0].ToString());
        var head = r.RootHeaders.Single(x => x.Cid == r.Roots[0]);
        Assert.Equal(3, head.Height);
        Assert.Equal(4, r.HeaderCount);
        Assert.Equal(0, r.MinHeaderHeight);
        Assert.Equal(3, r.MaxHeaderHeight);
        // The parent of the height-3 header is a height-2 header in the file.
        var all = ReadAll(Fixtures.Chain4);
        var parent = BlockHeader.Decode(all[head.Parents[0]]);
        Assert.Equal(2, parent.Height);
    }

    [FixtureFact]
    public void Block_headers_reencode_byte_identically()
    {
        int headers = 0;
        foreach (var (cid, data) in ReadAll(Fixtures.Chain4))
        {
            if (cid.Codec != Multicodec.DagCbor || !CarInspector.LooksLikeHeader(data)) continue;
            BlockHeader h;
            try { h = BlockHeader.Decode(data); }
            catch (FilFilFormatException) { continue; } // a 16-element array that is not a header
            headers++;
            Assert.Equal(data, h.Encode());
            Assert.Equal(cid, h.ComputeCid());
        }
        Assert.Equal(4, headers);
    }

    [FixtureFact]
    public void Rewriting_chain4_is_byte_identical()
    {
        var original = File.ReadAllBytes(Fixtures.Chain4);
        using var reader = CarReader.Open(Fixtures.Chain4);
        var ms = new MemoryStream();
        using (var w = new CarWriter(ms, reader.Roots, leaveOpen: true))
            while (reader.TryRead(out var b)) w.Write(b.CidBytes.Span, b.Data.Span);
        Assert.Equal(original, ms.ToArray());
    }

    [FixtureFact]
    public void Link_scan_of_genesis_header_finds_parents_state_receipts_messages_in_order()
    {
        var all = ReadAll(Fixtures.MainnetGenesis);
        var root = Cid.Parse("bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2");
        var h = BlockHeader.Decode(all[root]);
        var links = CborLinks.Collect(all[root]);
        Assert.Equal(new[] { h.Parents[0], h.ParentStateRoot, h.ParentMessageReceipts, h.Messages }, links);
        // Every dag-cbor block scans cleanly, and every link target in the genesis is present or identity.
        foreach (var (cid, data) in all)
        {
            if (cid.Codec != Multicodec.DagCbor) continue;
            foreach (var l in CborLinks.Collect(data))
                Assert.True(l.IsIdentity || all.ContainsKey(l) || l.Codec is not (Multicodec.DagCbor or Multicodec.Cbor or Multicodec.Raw),
                    $"{cid} links to missing {l}");
        }
    }

    internal static Dictionary<Cid, byte[]> ReadAll(string path)
    {
        using var r = CarReader.Open(path);
        return r.ReadAll().ToDictionary(x => x.Cid, x => x.Data);
    }
}
