using System.Net;
using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Serving;
using FilFil.Core.Snapshot;
using FilFil.Core.Store;
using Xunit;

namespace FilFil.Core.Tests.Serving;

public sealed class GatewayTests(ServedChain chain) : IClassFixture<ServedChain>
{
    // the fixture holds the genesis state (linked for good by the engine), not the later ones
    private Cid StateRoot => chain.ChainStore.Genesis!.Headers[0].ParentStateRoot;

    /// <summary>Every block under <paramref name="root"/> in the store, found independently of the server.</summary>
    private HashSet<Cid> Reachable(Cid root)
    {
        var seen = new HashSet<Cid>();
        var stack = new Stack<Cid>([root]);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            if (!seen.Add(c)) continue;
            foreach (var ch in DagLinks.Children(c, chain.ChainStore.Store.GetCopy(c.Bytes)!)) stack.Push(ch);
        }
        return seen;
    }

    [FixtureFact]
    public async Task Car_of_a_state_root_verifies_with_the_car_reader_and_holds_exactly_its_dag_once()
    {
        await using var s = new RunningServer(chain.Sources());
        var root = StateRoot;
        using var resp = await s.Client.GetAsync($"ipfs/{root}?format=car&dag-scope=all");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("application/vnd.ipld.car; version=1; order=dfs; dups=n", resp.Content.Headers.ContentType!.ToString());
        Assert.StartsWith("attachment", resp.Content.Headers.ContentDisposition!.ToString());
        var bytes = await resp.Content.ReadAsByteArrayAsync();
        using var reader = new CarReader(new MemoryStream(bytes)) { VerifyHashes = true };
        Assert.Equal(root, Assert.Single(reader.Roots));
        var blocks = reader.ReadAll().Select(b => b.Cid).ToList();
        Assert.Equal(root, blocks[0]);
        Assert.Equal(blocks.Count, blocks.Distinct().Count());
        var expected = Reachable(root);
        Assert.True(expected.Count > 100, $"{expected.Count} blocks");
        Assert.True(expected.SetEquals(blocks));
    }

    [FixtureFact]
    public async Task Raw_block_hashes_to_its_cid_and_accept_header_forms_work()
    {
        await using var s = new RunningServer(chain.Sources());
        var root = StateRoot;
        var raw = await s.Client.GetByteArrayAsync($"ipfs/{root}?format=raw");
        Assert.True(root.Verify(raw));

        var req = new HttpRequestMessage(HttpMethod.Get, $"ipfs/{root}");
        req.Headers.TryAddWithoutValidation("Accept", "application/vnd.ipld.raw");
        using (var resp = await s.Client.SendAsync(req))
        {
            Assert.Equal("application/vnd.ipld.raw", resp.Content.Headers.ContentType!.MediaType);
            Assert.Equal(raw, await resp.Content.ReadAsByteArrayAsync());
            Assert.Equal($"\"{root}.raw\"", resp.Headers.ETag!.Tag);
        }
        req = new HttpRequestMessage(HttpMethod.Get, $"ipfs/{root}?dag-scope=block");
        req.Headers.TryAddWithoutValidation("Accept", "text/html;q=0.9, application/vnd.ipld.car;version=2, application/vnd.ipld.car; version=1; order=dfs");
        using (var resp = await s.Client.SendAsync(req))
        {
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            var car = await resp.Content.ReadAsByteArrayAsync();
            Assert.Equal(car.Length, resp.Content.Headers.ContentLength);
            using var reader = new CarReader(new MemoryStream(car)) { VerifyHashes = true };
            var only = Assert.Single(reader.ReadAll());
            Assert.Equal(root, only.Cid);
        }
        // format= wins over Accept (spec: "format SHOULD take precedence")
        req = new HttpRequestMessage(HttpMethod.Get, $"ipfs/{root}?format=raw");
        req.Headers.TryAddWithoutValidation("Accept", "application/vnd.ipld.car");
        using (var resp = await s.Client.SendAsync(req)) Assert.Equal("application/vnd.ipld.raw", resp.Content.Headers.ContentType!.MediaType);
        // HEAD: 200 for a held block, 404 for an unknown one
        using (var resp = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"ipfs/{root}?format=raw"))) Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    [FixtureTheory]
    [InlineData("ipfs/{absent}?format=raw", 404)]              // well-formed, not held
    [InlineData("ipfs/{absent}?format=car", 404)]
    [InlineData("ipfs/not-a-cid?format=raw", 400)]
    [InlineData("ipfs/bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpd?format=raw", 400)] // truncated
    [InlineData("ipfs/zzzz?format=car", 400)]
    [InlineData("ipfs/Qm0000000000000000000000000000000000000000000?format=raw", 400)]
    [InlineData("ipfs/{root}", 400)]                         // no format, no Accept: strict trustless mode
    [InlineData("ipfs/{root}?format=html", 400)]
    [InlineData("ipfs/{root}?format=car&dag-scope=everything", 400)]
    [InlineData("ipfs/{root}?format=car&car-version=2", 400)]
    [InlineData("ipfs/{root}/some/path?format=raw", 400)]
    [InlineData("ipfs/{root}/some/path?format=car", 501)]
    [InlineData("ipfs", 400)]
    public async Task Bad_and_unknown_cids_and_requests_get_the_specs_status(string target, int status)
    {
        await using var s = new RunningServer(chain.Sources());
        using var resp = await s.Client.GetAsync(target.Replace("{root}", StateRoot.ToString()).Replace("{absent}", Cid.Hash("never stored"u8.ToArray()).ToString()));
        Assert.Equal(status, (int)resp.StatusCode);
    }

    [FixtureFact]
    public async Task A_car_bigger_than_max_car_bytes_is_refused_before_the_first_byte_and_head_gives_the_exact_size()
    {
        await using var s = new RunningServer(chain.Sources(), new ServerOptions { MaxCarBytes = 20_000 });
        using (var resp = await s.Client.GetAsync($"ipfs/{StateRoot}?format=car"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
            Assert.Contains("20000", await resp.Content.ReadAsStringAsync());
        }
        using (var ok = await s.Client.GetAsync($"ipfs/{StateRoot}?format=car&dag-scope=block")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await using var big = new RunningServer(chain.Sources());
        using var head = await big.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"ipfs/{StateRoot}?format=car"));
        var body = await big.Client.GetByteArrayAsync($"ipfs/{StateRoot}?format=car");
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_dag_the_store_holds_incompletely_is_404_and_a_disposed_store_is_never_read()
    {
        var store = new BlockStore();
        var engine = new ChainStore(null, store);
        var missing = Cid.Hash("absent"u8.ToArray());
        var w = new CborWriter();
        w.WriteArray(2).WriteCid(missing.Bytes).WriteText("x");
        var data = w.ToArray();
        var root = Cid.Hash(data);
        store.Insert(root.Bytes, data, 1);
        await using var s = new RunningServer(new ServerSources(() => engine, () => []));
        using (var resp = await s.Client.GetAsync($"ipfs/{root}?format=car&dag-scope=block")) Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        using (var resp = await s.Client.GetAsync($"ipfs/{root}?format=car"))
        {
            Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
            Assert.Contains(missing.ToString(), await resp.Content.ReadAsStringAsync());
        }
        store.Dispose();
        using (var resp = await s.Client.GetAsync($"ipfs/{root}?format=raw")) Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        using (var resp = await s.Client.GetAsync($"ipfs/{root}?format=car")) Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        using (var resp = await s.Client.GetAsync("healthz")) Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
    }

    [FixtureFact]
    public async Task No_engine_is_503_not_a_crash()
    {
        await using var s = new RunningServer(new ServerSources(() => null, () => []));
        using var resp = await s.Client.GetAsync($"ipfs/{StateRoot}?format=raw");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
    }
}

public sealed class RequestLogTests(ServedChain chain) : IClassFixture<ServedChain>
{
    [FixtureFact]
    public async Task Every_request_is_logged_at_debug_with_method_target_status_bytes_and_time_and_failures_at_warning()
    {
        using var capture = FilFil.Core.Logging.FilFilLog.BeginCapture();
        using (capture.Enter())
        {
            await using var s = new RunningServer(chain.Sources(), new ServerOptions { MaxCarBytes = 1000 });
            var p = chain.Pieces.Pieces[0];
            await s.Client.GetByteArrayAsync($"piece/{p.PieceCidV1}");
            using (await s.Client.GetAsync("nothing-here")) { }
            using (await s.Client.GetAsync($"ipfs/{chain.ChainStore.Genesis!.Headers[0].ParentStateRoot}?format=car")) { }
            var gone = chain.Single with { Pieces = [chain.Single.Pieces[0] with { Path = "/nonexistent/filfil/gone.car" }] };
            await using var s2 = new RunningServer(new ServerSources(() => chain.ChainStore, () => [gone]));
            using (var resp = await s2.Client.GetAsync($"piece/{gone.Pieces[0].PieceCidV1}")) Assert.Equal(System.Net.HttpStatusCode.NotFound, resp.StatusCode);
        }
        var lines = capture.Drain();
        var p0 = chain.Pieces.Pieces[0];
        Assert.Contains(lines, l => l.StartsWith("[Debug]") && l.Contains($"GET /piece/{p0.PieceCidV1} 200 {p0.PayloadSize} bytes") && l.Contains(" ms"));
        Assert.Contains(lines, l => l.StartsWith("[Debug]") && l.Contains("GET /nothing-here 404"));
        Assert.Contains(lines, l => l.StartsWith("[Information]") && l.Contains("serving on http://127.0.0.1:"));
        Assert.Contains(lines, l => l.StartsWith("[Warning]") && l.Contains("404") && l.Contains("/nonexistent/filfil/gone.car"));
    }
}
