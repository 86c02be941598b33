using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FilFil.Core.Chain;
using FilFil.Core.Piece;
using FilFil.Core.Serving;
using Xunit;

namespace FilFil.Core.Tests.Serving;

public sealed class PieceServingTests(ServedChain chain) : IClassFixture<ServedChain>
{
    [FixtureFact]
    public async Task Each_piece_downloads_byte_identical_by_v1_and_v2_cid_and_its_commP_is_the_catalogs()
    {
        await using var s = new RunningServer(chain.Sources());
        Assert.True(chain.Pieces.Pieces.Length >= 2);
        foreach (var p in chain.Pieces.Pieces)
        {
            var file = File.ReadAllBytes(p.Path);
            foreach (var cid in new[] { p.PieceCidV1, p.PieceCidV2 })
            {
                using var resp = await s.Client.GetAsync($"piece/{cid}");
                Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
                Assert.Equal(file.Length, resp.Content.Headers.ContentLength);
                Assert.Equal("application/vnd.ipld.car; version=1", resp.Content.Headers.ContentType!.ToString());
                Assert.Equal("bytes", Assert.Single(resp.Headers.AcceptRanges));
                Assert.Equal($"\"{cid}\"", resp.Headers.ETag!.Tag);
                AssertImmutable(resp);
                var got = await resp.Content.ReadAsByteArrayAsync();
                Assert.Equal(file, got);
                Assert.Equal(p.PieceCidV1, PieceCommitment.Compute(got).PieceCidV1.ToString());
            }
        }
    }

    private static void AssertImmutable(HttpResponseMessage resp)
    {
        var cc = resp.Headers.CacheControl!;
        Assert.True(cc.Public);
        Assert.Equal(TimeSpan.FromSeconds(31536000), cc.MaxAge);
        Assert.Contains(cc.Extensions, e => e.Name == "immutable");
    }

    [FixtureFact]
    public async Task Head_gives_the_exact_length_boost_checks_against_the_deal_size_and_no_body()
    {
        await using var s = new RunningServer(chain.Sources());
        var p = chain.Pieces.Pieces[0];
        using var resp = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"piece/{p.PieceCidV1}"));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal((long)p.PayloadSize, resp.Content.Headers.ContentLength);
        Assert.Equal(new FileInfo(p.Path).Length, resp.Content.Headers.ContentLength);
        Assert.Empty(await resp.Content.ReadAsByteArrayAsync());
        AssertImmutable(resp);
    }

    [FixtureFact]
    public async Task Sixteen_parallel_ranges_reassemble_to_the_file_including_boosts_past_the_end_last_chunk()
    {
        await using var s = new RunningServer(chain.Sources());
        var p = chain.Pieces.Pieces[0];
        var file = File.ReadAllBytes(p.Path);
        long len = file.Length, chunk = len / 16;
        var tasks = Enumerable.Range(0, 16).Select(async i =>
        {
            long start = i * chunk;
            // Boost asks bytes=start-(start+chunk) and reads chunk bytes; its last chunk ends at the deal size (past the end)
            long end = i == 15 ? len : start + chunk;
            var req = new HttpRequestMessage(HttpMethod.Get, $"piece/{p.PieceCidV2}");
            req.Headers.Range = new RangeHeaderValue(start, end);
            using var resp = await s.Client.SendAsync(req);
            Assert.Equal(HttpStatusCode.PartialContent, resp.StatusCode);
            long last = Math.Min(end, len - 1);
            Assert.Equal($"bytes {start}-{last}/{len}", resp.Content.Headers.ContentRange!.ToString());
            Assert.Equal(last - start + 1, resp.Content.Headers.ContentLength);
            var bytes = await resp.Content.ReadAsByteArrayAsync();
            return (start, bytes: bytes.AsSpan(0, (int)Math.Min(bytes.Length, i == 15 ? len - start : chunk)).ToArray());
        }).ToArray();
        var parts = await Task.WhenAll(tasks);
        using var ms = new MemoryStream();
        foreach (var (start, bytes) in parts.OrderBy(x => x.start)) ms.Write(bytes);
        Assert.Equal(file, ms.ToArray());
        Assert.Equal(p.PieceCidV1, PieceCommitment.Compute(ms.ToArray()).PieceCidV1.ToString());
    }

    [FixtureFact]
    public async Task Multiple_ranges_come_as_multipart_byteranges_with_exact_length()
    {
        await using var s = new RunningServer(chain.Sources());
        var p = chain.Pieces.Pieces[1];
        var file = File.ReadAllBytes(p.Path);
        var req = new HttpRequestMessage(HttpMethod.Get, $"piece/{p.PieceCidV1}");
        req.Headers.TryAddWithoutValidation("Range", "bytes=0-9, 1000-1999, -50");
        using var resp = await s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.PartialContent, resp.StatusCode);
        Assert.Equal("multipart/byteranges", resp.Content.Headers.ContentType!.MediaType);
        string boundary = resp.Content.Headers.ContentType.Parameters.Single(x => x.Name == "boundary").Value!;
        var body = await resp.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, resp.Content.Headers.ContentLength);
        var expected = new[] { (0L, 9L), (1000L, 1999L), (file.Length - 50L, file.Length - 1L) };
        var parts = SplitMultipart(body, boundary);
        Assert.Equal(3, parts.Count);
        for (int i = 0; i < 3; i++)
        {
            var (first, last) = expected[i];
            Assert.Contains($"Content-Range: bytes {first}-{last}/{file.Length}", parts[i].Headers);
            Assert.Contains("Content-Type: application/vnd.ipld.car; version=1", parts[i].Headers);
            Assert.Equal(file.AsSpan((int)first, (int)(last - first + 1)).ToArray(), parts[i].Data);
        }
    }

    /// <summary>A strict reader of RFC 2046 multipart bodies (the framing Go's mime/multipart produces and parses).</summary>
    internal static List<(string Headers, byte[] Data)> SplitMultipart(byte[] body, string boundary)
    {
        var result = new List<(string, byte[])>();
        var delim = System.Text.Encoding.ASCII.GetBytes("--" + boundary);
        int pos = IndexOf(body, delim, 0);
        Assert.Equal(0, pos);
        while (true)
        {
            pos += delim.Length;
            if (body[pos] == '-' && body[pos + 1] == '-') { Assert.Equal("\r\n", System.Text.Encoding.ASCII.GetString(body, pos + 2, body.Length - pos - 2)); break; }
            Assert.Equal("\r\n", System.Text.Encoding.ASCII.GetString(body, pos, 2));
            int headEnd = IndexOf(body, "\r\n\r\n"u8.ToArray(), pos);
            string headers = System.Text.Encoding.ASCII.GetString(body, pos + 2, headEnd - pos - 2);
            int dataStart = headEnd + 4;
            int next = IndexOf(body, System.Text.Encoding.ASCII.GetBytes("\r\n--" + boundary), dataStart);
            result.Add((headers, body[dataStart..next]));
            pos = next + 2;
        }
        return result;
    }

    private static int IndexOf(byte[] hay, byte[] needle, int from) => hay.AsSpan(from).IndexOf(needle) is var i and >= 0 ? from + i : throw new Xunit.Sdk.XunitException("multipart delimiter not found");

    [FixtureTheory]
    [InlineData("bytes=99999999-", 416)]
    [InlineData("bytes=99999999999999-99999999999999", 416)]
    [InlineData("bytes=5-1", 200)]                          // invalid: ignored
    [InlineData("bytes=abc", 200)]
    [InlineData("items=0-5", 200)]                          // other unit: ignored
    [InlineData("bytes=-0", 416)]                           // empty suffix: nothing satisfiable
    [InlineData("bytes=0-0", 206)]
    [InlineData("bytes=99999999999999999999999-", 200)]     // beyond a 64-bit position: ignored
    [InlineData("bytes=0-,0-,0-", 200)]                     // overlapping ranges adding to more than the file: sent once
    public async Task Odd_and_absurd_ranges_get_the_status_rfc9110_gives(string range, int status)
    {
        await using var s = new RunningServer(chain.Sources());
        var p = chain.Pieces.Pieces[0];
        var req = new HttpRequestMessage(HttpMethod.Get, $"piece/{p.PieceCidV1}");
        req.Headers.TryAddWithoutValidation("Range", range);
        using var resp = await s.Client.SendAsync(req);
        Assert.Equal(status, (int)resp.StatusCode);
        var body = await resp.Content.ReadAsByteArrayAsync();
        if (status == 416) Assert.Equal($"bytes */{p.PayloadSize}", resp.Content.Headers.ContentRange!.ToString());
        if (status == 200) Assert.Equal(File.ReadAllBytes(p.Path), body);
        if (status == 206) Assert.Single(body);
    }

    [FixtureFact]
    public async Task Thousand_ranges_are_not_served_as_a_thousand_parts()
    {
        await using var s = new RunningServer(chain.Sources());
        var p = chain.Pieces.Pieces[0];
        var req = new HttpRequestMessage(HttpMethod.Get, $"piece/{p.PieceCidV1}");
        req.Headers.TryAddWithoutValidation("Range", "bytes=" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"{i}-{i}")));
        using var resp = await s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal((long)p.PayloadSize, (await resp.Content.ReadAsByteArrayAsync()).LongLength);
    }

    [FixtureFact]
    public async Task Etag_revalidation_and_if_range()
    {
        await using var s = new RunningServer(chain.Sources());
        var p = chain.Pieces.Pieces[0];
        var req = new HttpRequestMessage(HttpMethod.Get, $"piece/{p.PieceCidV1}");
        req.Headers.TryAddWithoutValidation("If-None-Match", $"\"{p.PieceCidV1}\"");
        using (var resp = await s.Client.SendAsync(req)) Assert.Equal(HttpStatusCode.NotModified, resp.StatusCode);
        req = new HttpRequestMessage(HttpMethod.Get, $"piece/{p.PieceCidV1}");
        req.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        req.Headers.TryAddWithoutValidation("If-Range", "\"something-else\"");
        using (var resp = await s.Client.SendAsync(req)) Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    [FixtureFact]
    public async Task Snapshots_list_latest_and_height_car_name_the_snapshot_and_stream_its_file()
    {
        await using var s = new RunningServer(chain.Sources());
        using (var doc = JsonDocument.Parse(await s.Client.GetStringAsync("snapshots")))
            Assert.Equal(2, doc.RootElement.GetArrayLength());
        using (var doc = JsonDocument.Parse(await s.Client.GetStringAsync("snapshots/latest")))
        {
            var r = doc.RootElement;
            Assert.Equal(3, r.GetProperty("height").GetInt64());
            Assert.Equal(chain.Pieces.TipSetKey, r.GetProperty("tipSetKey").EnumerateArray().Select(x => x.GetString()!).ToArray());
            Assert.True(r.TryGetProperty("takenAt", out _));
            var pieces = r.GetProperty("pieces").EnumerateArray().ToArray();
            Assert.NotEmpty(pieces);
            foreach (var pc in pieces) Assert.StartsWith("baga6ea4seaq", pc.GetProperty("pieceCid").GetString());
            Assert.All(r.GetProperty("files").EnumerateArray(), f => Assert.True(f.GetProperty("size").GetInt64() > 0));
        }
        var bytes = await s.Client.GetByteArrayAsync("snapshots/3.car");
        Assert.Equal(File.ReadAllBytes(chain.Single.Paths[0]), bytes);
        using (var resp = await s.Client.GetAsync("snapshots/3.car.zst")) Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        using (var resp = await s.Client.GetAsync("snapshots/4.car")) Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
    }

    [FixtureFact]
    public async Task Healthz_is_200_with_the_head_and_503_without_an_engine()
    {
        await using (var s = new RunningServer(chain.Sources()))
        {
            using var resp = await s.Client.GetAsync("healthz");
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
            Assert.Equal(3, doc.RootElement.GetProperty("height").GetInt64());
            Assert.Equal(0, doc.RootElement.GetProperty("followerLag").GetInt64());
            Assert.Equal(chain.ChainStore.Head!.Headers[0].ParentStateRoot.ToString(), doc.RootElement.GetProperty("parentStateRoot").GetString());
        }
        await using (var s = new RunningServer(new ServerSources(() => null, () => [])))
        {
            using var resp = await s.Client.GetAsync("healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        }
    }
}
