using System.Buffers;
using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Encoding;
using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Serving;

/// <summary>
/// <c>/ipfs/{cid}</c>, the subset of the IPFS Trustless Gateway (ipfs/specs
/// <c>src/http-gateways/trustless-gateway.md</c>) a non-recursive gateway over the engine's in-memory block store
/// can answer: one raw block (<c>?format=raw</c> or <c>Accept: application/vnd.ipld.raw</c>) or a CARv1 stream
/// (<c>?format=car</c> or <c>Accept: application/vnd.ipld.car</c>) with <c>dag-scope=block|entity|all</c>
/// (entity is block for non-UnixFS data, as the spec says), depth-first, no duplicates. <c>format</c> takes
/// precedence over <c>Accept</c>; neither is 400 (strict trustless mode); an unknown root 404 (412 with
/// <c>Cache-Control: only-if-cached</c>); a bad CID 400; content paths after the CID are not resolved (501).
/// A CAR is planned before it is sent (a first walk collects the blocks and the exact size), so a DAG the store does
/// not hold completely gets 404 and one over <see cref="ServerOptions.MaxCarBytes"/> 400 before any byte, and the
/// response carries an exact Content-Length; a block that leaves the store between plan and send cuts the stream
/// short of that length (the spec's "Streaming and Missing Child Blocks": clients treat it as a failure).
/// <para>
/// Store access: every block is copied out with <see cref="BlockStore.GetCopy"/>, which holds the store's read lock
/// and throws <see cref="ObjectDisposedException"/> once the store is disposed, so a walk never reads freed arena
/// memory, whatever the session does with the engine meanwhile (a disposed store ends the walk like a missing
/// block). Blocks are not pinned: the walk sees the live store.
/// </para>
/// </summary>
internal static class IpfsGateway
{
    private const string RawType = "application/vnd.ipld.raw";
    private const string CarType = "application/vnd.ipld.car";
    private const string CarResponseType = "application/vnd.ipld.car; version=1; order=dfs; dups=n";
    private const string Immutable = "public, max-age=29030400, immutable";

    public static async Task ServeAsync(Exchange ex, RequestTarget t, ServerSources sources, ServerOptions options, SemaphoreSlim carWalks)
    {
        var seg = t.Segments;
        if (seg.Length < 2) { await ex.SendTextAsync(400, "missing CID: use /ipfs/{cid}?format=raw or ?format=car").ConfigureAwait(false); return; }
        if (!TryParseCid(seg[1], out var cid, out string why)) { await ex.SendTextAsync(400, $"invalid CID '{seg[1]}': {why}").ConfigureAwait(false); return; }

        string? format = t.QueryValue("format");
        if (format is null) format = FromAccept(ex.Request.Headers["Accept"]);
        else if (format is not ("raw" or "car"))
        {
            await ex.SendTextAsync(400, $"format={format} is not served: this trustless gateway serves format=raw and format=car").ConfigureAwait(false);
            return;
        }
        if (format is null)
        {
            await ex.SendTextAsync(400, $"ask for a verifiable response: ?format=raw or ?format=car, or Accept: {RawType} or {CarType}").ConfigureAwait(false);
            return;
        }
        if (seg.Length > 2)
        {
            if (format == "raw") await ex.SendTextAsync(400, "raw block requests take no content path: /ipfs/{cid}?format=raw").ConfigureAwait(false);
            else await ex.SendTextAsync(501, "content paths are not resolved by this gateway: request the CID at the end of the path").ConfigureAwait(false);
            return;
        }
        string scope = t.QueryValue("dag-scope") ?? (t.QueryValue("entity-bytes") is null ? "all" : "entity");
        if (scope is not ("block" or "entity" or "all")) { await ex.SendTextAsync(400, $"dag-scope={scope}: use block, entity or all").ConfigureAwait(false); return; }
        if (scope == "entity") scope = "block"; // no UnixFS here: entity is the block (spec, dag-scope)
        if (t.QueryValue("car-version") is { } cv && cv != "1") { await ex.SendTextAsync(400, $"car-version={cv}: only CARv1 is served").ConfigureAwait(false); return; }

        var engine = sources.ChainStore();
        if (engine is null)
        {
            ex.Header("Retry-After", "5");
            await ex.SendTextAsync(503, "no engine is loaded: import or follow a chain first").ConfigureAwait(false);
            return;
        }
        byte[]? root;
        try { root = engine.Store.GetCopy(cid.Bytes); }
        catch (ObjectDisposedException)
        {
            ex.Header("Retry-After", "5");
            await ex.SendTextAsync(503, "the engine was closed").ConfigureAwait(false);
            return;
        }
        if (root is null)
        {
            bool onlyIfCached = (ex.Request.Headers["Cache-Control"] ?? "").Contains("only-if-cached", StringComparison.OrdinalIgnoreCase);
            await ex.SendTextAsync(onlyIfCached ? 412 : 404, $"block {cid} is not in the block store").ConfigureAwait(false);
            return;
        }

        string etag = Exchange.Quote(format == "raw" ? $"{cid}.raw" : $"{cid}.car.{scope}.dfs.n");
        ex.Header("ETag", etag);
        ex.Header("Cache-Control", Immutable);
        ex.Header("X-Content-Type-Options", "nosniff");
        ex.Header("Vary", "Accept");
        ex.Header("Content-Disposition", $"attachment; filename=\"{cid}.{(format == "raw" ? "bin" : "car")}\"");
        if (ex.NotModified(etag)) { ex.Response.StatusCode = 304; return; }

        if (format == "raw")
        {
            await ex.SendBytesAsync(200, root, RawType).ConfigureAwait(false);
            return;
        }

        var header = CarWriter.EncodeHeader([cid]);
        ex.Response.StatusCode = 200;
        ex.Response.ContentType = CarResponseType;
        bool walk = scope == "all";
        if (walk && !carWalks.Wait(0))
        {
            ex.Header("Retry-After", "5");
            await ex.SendTextAsync(503, $"{options.MaxConcurrentCarWalks} CAR walks are running; retry shortly").ConfigureAwait(false);
            return;
        }
        try
        {
            int status = 200;
            string problem = "";
            var plan = walk
                ? Plan(engine, cid, root, header.Length, options.MaxCarBytes, out status, out problem)
                : ([cid], Varint.Size((ulong)header.Length) + header.Length + CarWriter.SectionSize(cid.Bytes.Length, root.Length));
            if (plan is null)
            {
                if (status == 503) ex.Header("Retry-After", "5");
                ex.Response.Headers.Remove("ETag");
                ex.Response.Headers.Remove("Cache-Control");
                ex.Response.Headers.Remove("Content-Disposition");
                await ex.SendTextAsync(status, problem).ConfigureAwait(false);
                return;
            }
            ex.Response.ContentLength64 = plan.Value.Bytes;
            if (ex.IsHead) return;
            await WriteAsync(ex, engine, cid, root, header, plan.Value.Order, options).ConfigureAwait(false);
        }
        finally
        {
            if (walk) carWalks.Release();
        }
    }

    /// <summary>
    /// First pass: the blocks of the CAR in depth-first document order, each once, and the exact CAR size, so the
    /// status and Content-Length are known before the first byte: a DAG the store does not hold completely is 404
    /// and one larger than MaxCarBytes 400, instead of a stream cut half-way. Null with a status when not servable.
    /// </summary>
    private static (List<Cid> Order, long Bytes)? Plan(ChainStore engine, Cid root, byte[] rootData, int headerLength, long maxBytes, out int status, out string problem)
    {
        status = 200;
        problem = "";
        long total = Varint.Size((ulong)headerLength) + headerLength;
        var order = new List<Cid>();
        var visited = new HashSet<Cid>();
        var stack = new Stack<Cid>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            if (!visited.Add(c)) continue;
            byte[]? data;
            if (c.Equals(root)) data = rootData;
            else
            {
                try { data = engine.Store.GetCopy(c.Bytes); }
                catch (ObjectDisposedException) { status = 503; problem = "the engine was closed"; return null; }
            }
            if (data is null)
            {
                status = 404;
                problem = $"block {c} under {root} is not held by this node: its DAG is incomplete here (dag-scope=block serves the root block alone)";
                return null;
            }
            total += CarWriter.SectionSize(c.Bytes.Length, data.Length);
            if (total > maxBytes)
            {
                status = 400;
                problem = $"the CAR of {root} is larger than this server's limit of {maxBytes} bytes: ask for dag-scope=block, or for smaller sub-DAGs";
                return null;
            }
            order.Add(c);
            var children = DagLinks.Children(c, data);
            for (int i = children.Count - 1; i >= 0; i--)
                if (!visited.Contains(children[i])) stack.Push(children[i]);
        }
        return (order, total);
    }

    /// <summary>
    /// Second pass: the planned blocks through one buffer. A block that went away meanwhile (the follower moved the
    /// window on) cuts the connection short of the announced Content-Length, which every client sees as a failure
    /// (the spec's "Streaming and Missing Child Blocks").
    /// </summary>
    private static async Task WriteAsync(Exchange ex, ChainStore engine, Cid root, byte[] rootData, byte[] header, List<Cid> order, ServerOptions options)
    {
        var sink = new SectionBuffer(ex, options.BufferSize);
        try
        {
            await sink.WriteVarintAndAsync(header).ConfigureAwait(false);
            foreach (var c in order)
            {
                byte[]? data;
                if (c.Equals(root)) data = rootData;
                else
                {
                    try { data = engine.Store.GetCopy(c.Bytes); }
                    catch (ObjectDisposedException) { data = null; }
                }
                if (data is null)
                {
                    await sink.FlushAsync().ConfigureAwait(false);
                    ex.Problem = $"block {c} under {root} left the block store while its CAR was sent: stream cut after {sink.Total} bytes";
                    ex.Abort();
                    return;
                }
                await sink.WriteSectionAsync(c, data).ConfigureAwait(false);
            }
            await sink.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            sink.Release();
        }
    }

    /// <summary>First acceptable type of an Accept header (in the client's order, q=0 excluded): "raw", "car" or null.</summary>
    internal static string? FromAccept(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return null;
        foreach (var item in accept.Split(','))
        {
            var parts = item.Split(';');
            string type = parts[0].Trim().ToLowerInvariant();
            bool ok = true;
            foreach (var p in parts.Skip(1))
            {
                var kv = p.Split('=', 2);
                string k = kv[0].Trim().ToLowerInvariant(), v = kv.Length > 1 ? kv[1].Trim().Trim('"') : "";
                if (k == "q" && double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double q) && q <= 0) ok = false;
                if (k == "version" && type == CarType && v != "1") ok = false;
            }
            if (!ok) continue;
            if (type == RawType) return "raw";
            if (type == CarType) return "car";
        }
        return null;
    }

    internal static bool TryParseCid(string s, out Cid cid, out string why)
    {
        cid = default;
        why = "";
        if (s.Length is 0 or > 512) { why = "empty or too long"; return false; }
        try
        {
            cid = Cid.Parse(s);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            why = e.Message;
            return false;
        }
    }

    /// <summary>CAR sections gathered into one fixed buffer that is written out when full.</summary>
    private sealed class SectionBuffer(Exchange ex, int size)
    {
        private readonly byte[] _buf = ArrayPool<byte>.Shared.Rent(size);
        private int _used;

        public long Total { get; private set; }

        public async Task WriteVarintAndAsync(byte[] bytes)
        {
            await VarintAsync((ulong)bytes.Length).ConfigureAwait(false);
            await CopyAsync(bytes).ConfigureAwait(false);
        }

        public async Task WriteSectionAsync(Cid cid, byte[] data)
        {
            var c = cid.ToArray();
            await VarintAsync((ulong)(c.Length + data.Length)).ConfigureAwait(false);
            await CopyAsync(c).ConfigureAwait(false);
            await CopyAsync(data).ConfigureAwait(false);
        }

        private async Task VarintAsync(ulong v)
        {
            if (_buf.Length - _used < Varint.MaxLength) await FlushAsync().ConfigureAwait(false);
            int n = Varint.Write(_buf.AsSpan(_used), v);
            _used += n;
            Total += n;
        }

        private async Task CopyAsync(byte[] src)
        {
            int off = 0;
            while (off < src.Length)
            {
                if (_used == _buf.Length) await FlushAsync().ConfigureAwait(false);
                int n = Math.Min(src.Length - off, _buf.Length - _used);
                src.AsSpan(off, n).CopyTo(_buf.AsSpan(_used));
                _used += n;
                off += n;
                Total += n;
            }
        }

        public async Task FlushAsync()
        {
            if (_used == 0) return;
            await ex.WriteAsync(_buf.AsMemory(0, _used)).ConfigureAwait(false);
            _used = 0;
        }

        public void Release()
        {
            if (!ex.BufferAbandoned) ArrayPool<byte>.Shared.Return(_buf);
        }
    }
}
