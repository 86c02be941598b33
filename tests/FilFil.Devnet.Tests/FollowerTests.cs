using System.Text.Json;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>The end-to-end check: a raw go-jsonrpc client follows 100 epochs and verifies every block it reads.</summary>
public class FollowerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private sealed record Ts(string[] Key, long Height, string[] Parents, JsonElement Json);

    private static string[] Cids(JsonElement arr) => arr.EnumerateArray().Select(c => c.GetProperty("/").GetString()!).ToArray();

    private static Ts Parse(JsonElement ts) =>
        new(Cids(ts.GetProperty("Cids")), ts.GetProperty("Height").GetInt64(), Cids(ts.GetProperty("Blocks")[0].GetProperty("Parents")), ts);

    [Fact]
    public async Task FollowsHundredEpochsWithReorgsAndNullRoundsAndVerifiesEveryBlock()
    {
        var o = new DevnetOptions
        {
            Seed = 3, StateBlocks = 400, AverageBlockSize = 200, ChurnPerEpoch = 16, MessagesPerBlock = 10,
            MaxBlocksPerTipSet = 3, NullRoundRate = 0.15, ReorgRate = 0.1, MaxReorgDepth = 3,
        };
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await using var server = await DevnetServer.StartAsync(o);
        await using var c = await RawLotusClient.ConnectAsync(server.Endpoint);

        var (_, subFrame) = await c.CallFrameAsync("Filecoin.ChainNotify");
        long chanId = subFrame.GetProperty("result").GetInt64();
        var first = await c.NextNotificationAsync();
        Assert.Equal("xrpc.ch.val", first.GetProperty("method").GetString());
        Assert.Equal(chanId, first.GetProperty("params")[0].GetInt64());
        var cur = Assert.Single(first.GetProperty("params")[1].EnumerateArray());
        Assert.Equal("current", cur.GetProperty("Type").GetString());

        var local = new List<Ts> { Parse(cur.GetProperty("Val")) };
        var allSeen = new List<Ts>(local);
        int reverted = 0, batchesWithRevert = 0;
        double tAdv = 0, tCall = 0;
        for (int epoch = 0; epoch < 100; epoch++)
        {
            var t0 = sw.Elapsed.TotalMilliseconds;
            server.Chain.Advance(1); // the host mines; the client only sees the wire
            var t1 = sw.Elapsed.TotalMilliseconds;
            var head = Parse(await c.CallAsync("Filecoin.ChainHead"));
            var t2 = sw.Elapsed.TotalMilliseconds;
            tAdv += t1 - t0; tCall += t2 - t1;
            while (!head.Key.SequenceEqual(local[^1].Key))
            {
                var n = await c.NextNotificationAsync();
                Assert.Equal("xrpc.ch.val", n.GetProperty("method").GetString());
                bool applying = false, anyRevert = false;
                foreach (var ch in n.GetProperty("params")[1].EnumerateArray())
                {
                    var ts = Parse(ch.GetProperty("Val"));
                    switch (ch.GetProperty("Type").GetString())
                    {
                        case "revert":
                            Assert.False(applying, "reverts must come before applies");
                            Assert.Equal(local[^1].Key, ts.Key); // old head downward
                            local.RemoveAt(local.Count - 1);
                            reverted++; anyRevert = true;
                            break;
                        case "apply":
                            applying = true;
                            Assert.Equal(local[^1].Key, ts.Parents); // lowest first, each on the previous
                            Assert.True(ts.Height > local[^1].Height);
                            local.Add(ts); allSeen.Add(ts);
                            break;
                        default: Assert.Fail("unexpected change type " + ch.GetProperty("Type").GetString()); break;
                    }
                }
                if (anyRevert) batchesWithRevert++;
            }
        }
        output.WriteLine($"follow: {sw.ElapsedMilliseconds} ms (advance {tAdv:F0}, ChainHead {tCall:F0})");
        Assert.True(batchesWithRevert > 0 && reverted > 0, "expected reorgs at rate 0.1");
        Assert.True(local.Count - 1 < local[^1].Height, "expected null rounds at rate 0.15");

        // same parents => same ParentStateRoot / receipts (the state after h is what every child at h+1 names)
        var stateByParent = new Dictionary<string, (string, string)>();
        foreach (var ts in allSeen.Skip(1))
        foreach (var b in ts.Json.GetProperty("Blocks").EnumerateArray())
        {
            var v = (b.GetProperty("ParentStateRoot").GetProperty("/").GetString()!, b.GetProperty("ParentMessageReceipts").GetProperty("/").GetString()!);
            string k = string.Join(",", ts.Parents);
            if (stateByParent.TryGetValue(k, out var prev)) Assert.Equal(prev, v); else stateByParent[k] = v;
        }

        // every header of the canonical chain: hash, CBOR vs JSON, links
        for (int i = 1; i < local.Count; i++)
        {
            var ts = local[i];
            Assert.Equal(local[i - 1].Key, ts.Parents);
            Assert.True(ts.Height > local[i - 1].Height);
            var blocks = ts.Json.GetProperty("Blocks");
            for (int j = 0; j < ts.Key.Length; j++)
            {
                var raw = await ReadObj(c, ts.Key[j]);
                var h = BlockHeader.Decode(raw);
                var jb = blocks[j];
                Assert.Equal(ts.Height, h.Height);
                Assert.Equal(jb.GetProperty("Miner").GetString(), h.MinerAddress);
                Assert.Equal(jb.GetProperty("ParentWeight").GetString(), h.ParentWeight.ToString());
                Assert.Equal(jb.GetProperty("Timestamp").GetUInt64(), h.Timestamp);
                Assert.Equal(jb.GetProperty("ParentStateRoot").GetProperty("/").GetString(), h.ParentStateRoot.ToString());
                Assert.Equal(jb.GetProperty("Messages").GetProperty("/").GetString(), h.Messages.ToString());
                Assert.Equal(Convert.FromBase64String(jb.GetProperty("Ticket").GetProperty("VRFProof").GetString()!), h.Ticket!.VRFProof);
                Assert.Equal(ts.Parents, h.Parents.Select(p => p.ToString()));
                if (i > 1) Assert.NotEqual(local[i - 1].Json.GetProperty("Blocks")[0].GetProperty("ParentStateRoot").GetProperty("/").GetString(), h.ParentStateRoot.ToString());
            }
        }

        output.WriteLine($"headers: {sw.ElapsedMilliseconds} ms");
        // the snapshot window (last 20 tipsets): every block of their message and state DAGs, hashes verified
        var seen = new HashSet<string>();
        int fetched = 0;
        foreach (var ts in local.TakeLast(20))
        {
            var b0 = ts.Json.GetProperty("Blocks")[0];
            var roots = ts.Json.GetProperty("Blocks").EnumerateArray().Select(b => b.GetProperty("Messages").GetProperty("/").GetString()!)
                .Append(b0.GetProperty("ParentStateRoot").GetProperty("/").GetString()!)
                .Append(b0.GetProperty("ParentMessageReceipts").GetProperty("/").GetString()!);
            fetched += await FetchDag(c, roots, seen);
            // receipts of the parent tipset are one-to-one with its messages
            var blockCid = ts.Key[0];
            var receipts = await c.CallAsync("Filecoin.ChainGetParentReceipts", RawLotusClient.Cid(blockCid));
            var msgs = await c.CallAsync("Filecoin.ChainGetParentMessages", RawLotusClient.Cid(blockCid));
            int nr = receipts.ValueKind == JsonValueKind.Null ? 0 : receipts.GetArrayLength();
            int nm = msgs.ValueKind == JsonValueKind.Null ? 0 : msgs.GetArrayLength();
            Assert.Equal(nm, nr);
            Assert.True(nm > 0);
        }
        output.WriteLine($"window: {sw.ElapsedMilliseconds} ms, {fetched} blocks");
        Assert.True(fetched > 400, $"fetched {fetched} blocks");
    }

    private static async Task<byte[]> ReadObj(RawLotusClient c, string cid)
    {
        var r = await c.CallAsync("Filecoin.ChainReadObj", RawLotusClient.Cid(cid));
        var data = Convert.FromBase64String(r.GetString()!);
        Assert.True(Cid.Parse(cid).Verify(data), $"hash mismatch for {cid}");
        return data;
    }

    /// <summary>Breadth-first over tag-42 links with up to 64 reads in flight; returns the number of blocks read.</summary>
    internal static async Task<int> FetchDag(RawLotusClient c, IEnumerable<string> roots, HashSet<string> seen)
    {
        var layer = roots.Where(seen.Add).ToList();
        int n = 0;
        while (layer.Count > 0)
        {
            var next = new List<string>();
            foreach (var chunk in layer.Chunk(64))
            {
                var datas = await Task.WhenAll(chunk.Select(async s =>
                {
                    var cid = Cid.Parse(s);
                    if (cid.IsIdentity || cid.Codec is not (Multicodec.Cbor or Multicodec.DagCbor or Multicodec.Raw)) return (cid, (byte[]?)null);
                    return (cid, await ReadObj(c, s));
                }));
                foreach (var (cid, data) in datas)
                {
                    if (data is null) continue;
                    n++;
                    if (cid.Codec != Multicodec.DagCbor) continue;
                    foreach (var l in CborLinks.Collect(data)) { var s = l.ToString(); if (seen.Add(s)) next.Add(s); }
                }
            }
            layer = next;
        }
        return n;
    }
}
