namespace FilFil.Core.Serving;

/// <summary>One satisfiable byte range, inclusive at both ends.</summary>
internal readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;
}

/// <summary>
/// The <c>Range</c> request header (RFC 9110 section 14): <c>bytes=first-last</c>, <c>first-</c> and <c>-suffix</c>,
/// comma-separated. A last position past the end is clamped: Boost's HTTP transfer asks for
/// <c>bytes=start-dealSize</c> on its last chunk (filecoin-project/boost
/// <c>transport/httptransport/http_downloader.go</c>, <c>fmt.Sprintf("bytes=%d-%d", rangeStart, d.rangeEnd)</c>).
/// </summary>
internal static class ByteRanges
{
    internal enum Outcome
    {
        /// <summary>No header, another unit, bad syntax, or too many / too much: serve the whole representation (200).</summary>
        Whole,
        /// <summary>At least one range is satisfiable (206).</summary>
        Partial,
        /// <summary>Well-formed but none satisfiable (416).</summary>
        Unsatisfiable,
    }

    /// <summary>The outcome; <paramref name="ranges"/> holds the satisfiable ranges on <see cref="Outcome.Partial"/>, else none.</summary>
    public static Outcome Parse(string? header, long length, int maxRanges, out List<ByteRange> ranges)
    {
        ranges = new List<ByteRange>();
        var outcome = ParseSpecs(header, length, maxRanges, ranges);
        if (outcome != Outcome.Partial) ranges.Clear(); // a bad spec after good ones ignores the whole header
        return outcome;
    }

    private static Outcome ParseSpecs(string? header, long length, int maxRanges, List<ByteRange> ranges)
    {
        if (string.IsNullOrWhiteSpace(header)) return Outcome.Whole;
        header = header.Trim();
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return Outcome.Whole;
        var specs = header[6..].Split(',');
        if (specs.Length > maxRanges) return Outcome.Whole;
        bool any = false;
        foreach (var raw in specs)
        {
            var s = raw.Trim();
            if (s.Length == 0) continue;
            int dash = s.IndexOf('-');
            if (dash < 0) return Outcome.Whole;
            string a = s[..dash].Trim(), b = s[(dash + 1)..].Trim();
            if (a.Length == 0)
            {
                // suffix: the last b bytes
                if (!TryDigits(b, out long suffix)) return Outcome.Whole;
                any = true;
                if (suffix == 0 || length == 0) continue;
                ranges.Add(new ByteRange(Math.Max(0, length - suffix), length - 1));
                continue;
            }
            if (!TryDigits(a, out long first)) return Outcome.Whole;
            long last;
            if (b.Length == 0) last = long.MaxValue;
            else if (!TryDigits(b, out last)) return Outcome.Whole;
            if (last < first) return Outcome.Whole; // invalid range-spec: the whole header is ignored
            any = true;
            if (first >= length) continue;        // unsatisfiable on its own
            ranges.Add(new ByteRange(first, Math.Min(last, length - 1)));
        }
        if (!any) return Outcome.Whole;
        if (ranges.Count == 0) return Outcome.Unsatisfiable;
        long total = 0;
        foreach (var r in ranges) total += r.Length;
        // overlapping ranges adding up to more than the file would let a client multiply our work: send it once
        if (ranges.Count > 1 && total > length) return Outcome.Whole;
        return Outcome.Partial;
    }

    /// <summary>Digits only (no sign, no spaces), at most 18 of them so it fits a long.</summary>
    private static bool TryDigits(string s, out long value)
    {
        value = 0;
        if (s.Length is 0 or > 18) return false;
        foreach (char c in s)
        {
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
