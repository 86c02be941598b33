namespace FilFil.Core.Serving;

/// <summary>
/// The request target split into decoded path segments and query parameters, refusing anything that could name a
/// file outside what the server chose to serve: dot segments (raw or percent-encoded), encoded slashes and
/// backslashes, NUL, empty segments, absolute-form targets. Routing works on these segments only; no segment is
/// ever joined to a directory except a root file name that also passes <see cref="IsSafeFileName"/>.
/// </summary>
internal sealed class RequestTarget
{
    /// <summary>Longest request target accepted (HttpListener itself allows long lines).</summary>
    public const int MaxLength = 8192;

    private RequestTarget(string[] segments, Dictionary<string, string> query)
    {
        Segments = segments;
        Query = query;
    }

    public string[] Segments { get; }
    public Dictionary<string, string> Query { get; }

    public string? QueryValue(string key) => Query.TryGetValue(key, out var v) ? v : null;

    public static bool TryParse(string? raw, out RequestTarget target, out string error)
    {
        target = null!;
        error = "";
        if (string.IsNullOrEmpty(raw) || raw[0] != '/') { error = "the request target must be an absolute path"; return false; }
        if (raw.Length > MaxLength) { error = $"the request target is longer than {MaxLength} characters"; return false; }
        int q = raw.IndexOf('?');
        string path = q < 0 ? raw : raw[..q];
        string query = q < 0 ? "" : raw[(q + 1)..];
        int hash = query.IndexOf('#');
        if (hash >= 0) query = query[..hash];
        if (path.Contains('\\')) { error = "backslashes are not allowed in paths"; return false; }
        var raws = path.Split('/');
        var segments = new List<string>(raws.Length);
        for (int i = 1; i < raws.Length; i++)
        {
            string s = raws[i];
            if (s.Length == 0)
            {
                if (i == raws.Length - 1) break; // one trailing slash
                error = "empty path segments are not allowed";
                return false;
            }
            string d;
            try { d = Uri.UnescapeDataString(s); }
            catch (UriFormatException) { error = "bad percent-encoding"; return false; }
            if (d is "." or ".." || d.Contains('/') || d.Contains('\\') || d.Contains('\0') || d.Any(char.IsControl))
            {
                error = $"the path segment '{s}' is not allowed (dot segments, encoded slashes and control characters are refused)";
                return false;
            }
            segments.Add(d);
        }
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string k, v;
            try
            {
                k = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
                v = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }
            catch (UriFormatException) { error = "bad percent-encoding in the query"; return false; }
            dict.TryAdd(k, v);
        }
        target = new RequestTarget(segments.ToArray(), dict);
        return true;
    }

    /// <summary>
    /// A file name a root may serve: one segment of letters, digits, '.', '-' and '_', not starting with '.', ending
    /// in <c>.car</c> or <c>.car.zst</c>, and not a temporary file of a snapshot being written (<c>*.tmp-*</c>).
    /// </summary>
    public static bool IsSafeFileName(string name) =>
        name.Length is > 0 and <= 255
        && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
        && !name.Contains(".tmp-", StringComparison.Ordinal)
        && (name.EndsWith(".car", StringComparison.Ordinal) || name.EndsWith(".car.zst", StringComparison.Ordinal));
}
