using System.Buffers;
using System.Globalization;

namespace FilFil.Core.Serving;

/// <summary>
/// Streams a file the server chose (a catalog piece or snapshot, or a root file) with HTTP ranges: exact
/// Content-Length, Accept-Ranges, one range (206 + Content-Range), several (206 multipart/byteranges), none
/// satisfiable (416 + <c>Content-Range: bytes */len</c>), If-None-Match (304) and If-Range. The file is read through
/// one fixed buffer per response; it is never loaded whole. These are the semantics Go's <c>http.ServeContent</c>
/// gives Curio's piece handler (filecoin-project/curio <c>market/retrieval/piecehandler.go</c>: Content-Length,
/// <c>Cache-Control: public, ..., immutable</c>, <c>Etag</c> = piece CID) and that Boost's HTTP transfer relies on
/// (filecoin-project/boost <c>transport/httptransport/http_transport.go</c>: a HEAD whose Content-Length must equal
/// the deal size, redirects not followed, then ranged GETs in parallel chunks).
/// </summary>
internal static class FileResponder
{
    public static async Task ServeAsync(Exchange ex, FileRepresentation rep, ServerOptions options)
    {
        FileStream fs;
        try
        {
            fs = new FileStream(rep.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            ex.Problem = $"the file {rep.Path} is gone: {e.Message}";
            await ex.SendTextAsync(404, "the file of this resource is no longer on disk").ConfigureAwait(false);
            return;
        }
        await using (fs.ConfigureAwait(false))
        {
            long length = fs.Length;
            if (rep.ExpectedLength is { } expected && expected != length)
            {
                ex.Problem = $"{rep.Path} holds {length} bytes but the catalog says {expected}";
                await ex.SendTextAsync(500, "the file on disk does not match the catalog").ConfigureAwait(false);
                return;
            }
            string etag = Exchange.Quote(rep.ETag);
            ex.Header("Accept-Ranges", "bytes");
            ex.Header("ETag", etag);
            ex.Header("Cache-Control", rep.CacheControl);
            ex.Header("X-Content-Type-Options", "nosniff");
            if (ex.NotModified(etag))
            {
                ex.Response.StatusCode = 304;
                return;
            }
            string? rangeHeader = ex.Request.Headers["Range"];
            string? ifRange = ex.Request.Headers["If-Range"];
            if (ifRange is not null && ifRange.Trim() != etag) rangeHeader = null; // changed (or a date): whole file
            var outcome = ByteRanges.Parse(rangeHeader, length, options.MaxRanges, out var ranges);
            if (outcome == ByteRanges.Outcome.Unsatisfiable)
            {
                ex.Header("Content-Range", $"bytes */{length}");
                await ex.SendTextAsync(416, $"no requested range is within the {length} bytes of this resource").ConfigureAwait(false);
                return;
            }
            byte[] buffer = ArrayPool<byte>.Shared.Rent(options.BufferSize);
            try
            {
                if (outcome == ByteRanges.Outcome.Whole)
                {
                    ex.Response.StatusCode = 200;
                    ex.Response.ContentType = rep.ContentType;
                    ex.Response.ContentLength64 = length;
                    if (!ex.IsHead) await CopyAsync(ex, fs, 0, length, buffer).ConfigureAwait(false);
                }
                else if (ranges.Count == 1)
                {
                    var r = ranges[0];
                    ex.Response.StatusCode = 206;
                    ex.Response.ContentType = rep.ContentType;
                    ex.Header("Content-Range", ContentRange(r, length));
                    ex.Response.ContentLength64 = r.Length;
                    if (!ex.IsHead) await CopyAsync(ex, fs, r.First, r.Length, buffer).ConfigureAwait(false);
                }
                else
                {
                    await ServeMultipartAsync(ex, fs, rep.ContentType, ranges, length, buffer).ConfigureAwait(false);
                }
            }
            finally
            {
                if (!ex.BufferAbandoned) ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static string ContentRange(ByteRange r, long length) =>
        string.Create(CultureInfo.InvariantCulture, $"bytes {r.First}-{r.Last}/{length}");

    /// <summary>RFC 9110 14.6 / RFC 2046 multipart/byteranges, framed as Go's multipart writer frames it.</summary>
    private static async Task ServeMultipartAsync(Exchange ex, FileStream fs, string contentType, List<ByteRange> ranges, long length, byte[] buffer)
    {
        string boundary = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).ToLowerInvariant();
        var heads = new byte[ranges.Count][];
        long total = 0;
        for (int i = 0; i < ranges.Count; i++)
        {
            heads[i] = Exchange.Ascii($"{(i == 0 ? "" : "\r\n")}--{boundary}\r\nContent-Type: {contentType}\r\nContent-Range: {ContentRange(ranges[i], length)}\r\n\r\n");
            total += heads[i].Length + ranges[i].Length;
        }
        var tail = Exchange.Ascii($"\r\n--{boundary}--\r\n");
        total += tail.Length;
        ex.Response.StatusCode = 206;
        ex.Response.ContentType = $"multipart/byteranges; boundary={boundary}";
        ex.Response.ContentLength64 = total;
        if (ex.IsHead) return;
        for (int i = 0; i < ranges.Count; i++)
        {
            await ex.WriteAsync(heads[i]).ConfigureAwait(false);
            await CopyAsync(ex, fs, ranges[i].First, ranges[i].Length, buffer).ConfigureAwait(false);
        }
        await ex.WriteAsync(tail).ConfigureAwait(false);
    }

    private static async Task CopyAsync(Exchange ex, FileStream fs, long offset, long count, byte[] buffer)
    {
        fs.Position = offset;
        while (count > 0)
        {
            int want = (int)Math.Min(count, buffer.Length);
            int got = await fs.ReadAsync(buffer.AsMemory(0, want), ex.Cancellation).ConfigureAwait(false);
            if (got == 0)
            {
                ex.Problem = $"{fs.Name} ended {count} bytes early (truncated while served)";
                ex.Abort();
                return;
            }
            await ex.WriteAsync(buffer.AsMemory(0, got)).ConfigureAwait(false);
            count -= got;
        }
    }
}
