using System.Text;
using FilFil.Core;
using FilFil.Core.Ipld;
using FilFil.Core.Serving;

namespace FilFil.Fuzz;

/// <summary>
/// What the HTTP snapshot server parses itself on top of HttpListener (which we do not own): the request target
/// (<see cref="RequestTarget.TryParse"/>: path segments, percent-decoding, the dot-segment/slash/NUL refusals, the query),
/// the root file check (<see cref="RequestTarget.IsSafeFileName"/>, <see cref="CatalogRoutes.RootFile"/>), the
/// <c>Range</c> header (<see cref="ByteRanges.Parse"/>), the <c>Accept</c> header (<see cref="IpfsGateway.FromAccept"/>)
/// and the CID of <c>/ipfs/{cid}</c> and <c>/piece/{cid}</c> (<see cref="IpfsGateway.TryParseCid"/>).
/// The input is lines: request target, Range, representation length (digits), Accept, CID.
/// Findings: an exception; a parsed target with a segment that could leave the served folder; a safe file name that
/// resolves outside its root; ranges outside the representation, more than allowed, or adding up to more than it.
/// </summary>
internal static class HttpTarget
{
    private const int MaxRanges = 64; // ServerOptions.MaxRanges' default

    // A root folder that exists (RootFile resolves links on it); nothing is ever created in it.
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "filfil-fuzz-http-root");
        Directory.CreateDirectory(dir);
        return Path.GetFullPath(dir);
    });

    public static void Request(byte[] data)
    {
        var lines = Encoding.UTF8.GetString(data).Split('\n');
        string Line(int i) => i < lines.Length ? lines[i].TrimEnd('\r') : "";
        Target(Line(0));
        long length = long.TryParse(Line(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : 1000;
        Ranges(Line(1), length);
        Accept(Line(3));
        CidSegment(lines.Length > 4 ? Line(4) : Line(0).TrimStart('/'));
    }

    private static void Target(string raw)
    {
        if (!RequestTarget.TryParse(raw, out var t, out string error))
        {
            Check(error.Length > 0, "RequestTarget.TryParse refused without saying why");
            return;
        }
        Check(raw.Length <= RequestTarget.MaxLength, "a request target over MaxLength was accepted");
        foreach (var s in t.Segments)
        {
            Check(s.Length > 0, "an empty path segment was accepted");
            Check(s is not ("." or ".."), $"the dot segment '{s}' was accepted");
            Check(!s.Contains('/') && !s.Contains('\\') && !s.Contains('\0') && !s.Any(char.IsControl),
                $"the segment '{Escape(s)}' holds a slash, backslash or control character");
            if (!RequestTarget.IsSafeFileName(s)) continue;
            Check(!s.Contains(".tmp-", StringComparison.Ordinal), "a temporary file name passed IsSafeFileName");
            string full = Path.GetFullPath(Path.Combine(Root.Value, s));
            Check(Path.GetDirectoryName(full) == Root.Value, $"the safe name '{Escape(s)}' resolves outside its root: {full}");
            var file = CatalogRoutes.RootFile(Root.Value, s);
            Check(file is null || Path.GetDirectoryName(file) == Root.Value, $"RootFile('{Escape(s)}') left the root: {file}");
        }
        foreach (var (k, v) in t.Query) _ = k.Length + v.Length;
    }

    private static void Ranges(string header, long length)
    {
        var outcome = ByteRanges.Parse(header, length, MaxRanges, out var ranges);
        switch (outcome)
        {
            case ByteRanges.Outcome.Whole or ByteRanges.Outcome.Unsatisfiable:
                Check(ranges.Count == 0, $"{outcome} came with {ranges.Count} ranges");
                break;
            case ByteRanges.Outcome.Partial:
                Check(ranges.Count is > 0 and <= MaxRanges, $"Partial with {ranges.Count} ranges (at most {MaxRanges})");
                long total = 0;
                foreach (var r in ranges)
                {
                    Check(r.First >= 0 && r.First <= r.Last && r.Last < length, $"range {r.First}-{r.Last} outside a {length}-byte representation");
                    total += r.Length;
                }
                Check(ranges.Count == 1 || total <= length, $"{ranges.Count} ranges add up to {total} bytes of a {length}-byte representation");
                break;
            default:
                throw new FuzzFinding($"unknown outcome {outcome}");
        }
    }

    private static void Accept(string header)
    {
        var type = IpfsGateway.FromAccept(header);
        Check(type is null or "raw" or "car", $"FromAccept returned '{type}'");
    }

    private static void CidSegment(string s)
    {
        if (!IpfsGateway.TryParseCid(s, out var cid, out string why))
        {
            Check(why.Length > 0, "TryParseCid refused without saying why");
            return;
        }
        Check(Cid.Parse(cid.ToString()) == cid, "a CID accepted in a URL does not survive its text form");
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new FuzzFinding(what);
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}
