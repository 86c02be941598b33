using System.Globalization;
using System.Text;

namespace FilFil.Core.Serving;

/// <summary>
/// The head of one HTTP/1.x request (request line and header fields) as <see cref="HttpGate"/> checks it before any
/// byte reaches <see cref="System.Net.HttpListener"/>: RFC 9112's syntax, strictly (CRLF line ends; no obs-fold; one
/// Host for HTTP/1.1; one Content-Length of digits; no Transfer-Encoding, so a body's length is always known before it
/// is read and no request can be smuggled past the gate). Parsing is linear in the head's length and allocates only
/// the fields the gate uses.
/// </summary>
internal sealed class RequestHead
{
    public required string Method { get; init; }
    public required string Target { get; init; }
    /// <summary>1 for HTTP/1.1, 0 for HTTP/1.0.</summary>
    public required int MinorVersion { get; init; }
    /// <summary>The Host field as sent (null when absent, HTTP/1.0 only).</summary>
    public string? Host { get; init; }
    /// <summary>Body length announced by Content-Length, 0 without one.</summary>
    public long ContentLength { get; init; }
    /// <summary>True when the request asks to switch protocols (Connection: upgrade with an Upgrade field).</summary>
    public bool IsUpgrade { get; init; }
    /// <summary>True when the connection stays open after this request (HTTP/1.1 without Connection: close, HTTP/1.0 with keep-alive).</summary>
    public bool KeepAlive { get; init; }

    /// <summary>The header lines (each without its CRLF), for the gate to forward minus the fields it replaces.</summary>
    public required IReadOnlyList<(int Start, int Length)> FieldLines { get; init; }
    /// <summary>Start and length of the request line in the parsed buffer.</summary>
    public required (int Start, int Length) RequestLine { get; init; }

    /// <summary>
    /// Index just past the CRLFCRLF that ends the head in <paramref name="buffer"/>, or -1 when it has not arrived.
    /// Empty lines before a request line (RFC 9112 2.2) are part of the head.
    /// </summary>
    public static int FindEnd(ReadOnlySpan<byte> buffer)
    {
        int i = buffer.IndexOf("\r\n\r\n"u8);
        return i < 0 ? -1 : i + 4;
    }

    /// <summary>
    /// Parses <paramref name="head"/> (ending with CRLFCRLF, from <see cref="FindEnd"/>). On failure returns null with the
    /// status to answer (400, 411, 501 or 505) and a reason for the client.
    /// </summary>
    public static RequestHead? Parse(ReadOnlySpan<byte> head, out int status, out string reason)
    {
        status = 400;
        reason = "";
        int pos = 0;
        while (head[pos..].StartsWith("\r\n"u8)) pos += 2; // leading empty lines are ignored
        int lineEnd = head[pos..].IndexOf("\r\n"u8) + pos;
        if (lineEnd < pos)
        {
            reason = "no request line";
            return null;
        }
        var line = head[pos..lineEnd];
        var requestLine = (pos, lineEnd - pos);

        // request-line = method SP request-target SP HTTP-version
        int sp1 = line.IndexOf((byte)' ');
        int sp2 = sp1 < 0 ? -1 : line[(sp1 + 1)..].IndexOf((byte)' ') + sp1 + 1;
        if (sp1 <= 0 || sp2 <= sp1 + 1)
        {
            reason = "malformed request line (expected: METHOD /target HTTP/1.1)";
            return null;
        }
        var method = line[..sp1];
        var target = line[(sp1 + 1)..sp2];
        var version = line[(sp2 + 1)..];
        if (!IsToken(method))
        {
            reason = "malformed method";
            return null;
        }
        if (target[0] != (byte)'/' || !IsVisible(target))
        {
            reason = "the request target must be a path starting with '/' (origin form), visible ASCII only";
            return null;
        }
        if (version.Length != 8 || !version[..7].SequenceEqual("HTTP/1."u8) || version[7] is not ((byte)'0' or (byte)'1'))
        {
            if (version.StartsWith("HTTP/"u8)) { status = 505; reason = "only HTTP/1.0 and HTTP/1.1 are served"; }
            else reason = "malformed HTTP version";
            return null;
        }
        int minor = version[7] - '0';

        var fields = new List<(int, int)>();
        string? host = null;
        int hosts = 0;
        long contentLength = 0;
        bool sawLength = false, upgradeField = false, connectionUpgrade = false, connectionClose = false, connectionKeepAlive = false;
        pos = lineEnd + 2;
        while (true)
        {
            int end = head[pos..].IndexOf("\r\n"u8) + pos;
            if (end == pos) break; // the empty line ending the head
            var f = head[pos..end];
            if (f[0] is (byte)' ' or (byte)'\t')
            {
                reason = "obsolete line folding in a header field";
                return null;
            }
            int colon = f.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(f[..colon]))
            {
                reason = "malformed header field";
                return null;
            }
            var name = f[..colon];
            var value = f[(colon + 1)..].Trim(" \t"u8);
            if (!IsFieldValue(value))
            {
                reason = "control characters in a header field value";
                return null;
            }
            if (NameIs(name, "host"u8))
            {
                hosts++;
                host = System.Text.Encoding.ASCII.GetString(value);
            }
            else if (NameIs(name, "content-length"u8))
            {
                if (sawLength || value.Length is 0 or > 18 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
                {
                    reason = "Content-Length must be one field of digits";
                    return null;
                }
                sawLength = true;
                contentLength = long.Parse(System.Text.Encoding.ASCII.GetString(value), NumberStyles.None, CultureInfo.InvariantCulture);
            }
            else if (NameIs(name, "transfer-encoding"u8))
            {
                status = 411;
                reason = "request bodies must have a Content-Length (Transfer-Encoding is not accepted)";
                return null;
            }
            else if (NameIs(name, "upgrade"u8)) upgradeField = true;
            else if (NameIs(name, "connection"u8))
            {
                foreach (var token in System.Text.Encoding.ASCII.GetString(value).Split(',', StringSplitOptions.TrimEntries))
                {
                    if (token.Equals("upgrade", StringComparison.OrdinalIgnoreCase)) connectionUpgrade = true;
                    else if (token.Equals("close", StringComparison.OrdinalIgnoreCase)) connectionClose = true;
                    else if (token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)) connectionKeepAlive = true;
                }
            }
            fields.Add((pos, end - pos));
            pos = end + 2;
        }
        if (minor == 1 && hosts != 1)
        {
            reason = hosts == 0 ? "an HTTP/1.1 request needs a Host field" : "more than one Host field";
            return null;
        }
        if (hosts > 1)
        {
            reason = "more than one Host field";
            return null;
        }
        return new RequestHead
        {
            Method = System.Text.Encoding.ASCII.GetString(method),
            Target = System.Text.Encoding.ASCII.GetString(target),
            MinorVersion = minor,
            Host = host,
            ContentLength = contentLength,
            IsUpgrade = upgradeField && connectionUpgrade,
            KeepAlive = minor == 1 ? !connectionClose : connectionKeepAlive && !connectionClose,
            FieldLines = fields,
            RequestLine = requestLine,
        };
    }

    private static bool NameIs(ReadOnlySpan<byte> name, ReadOnlySpan<byte> lower) => Ascii.EqualsIgnoreCase(name, lower);

    /// <summary>RFC 9110 token: one or more tchar.</summary>
    private static bool IsToken(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty) return false;
        foreach (byte b in s)
        {
            bool ok = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                || "!#$%&'*+-.^_`|~"u8.Contains(b);
            if (!ok) return false;
        }
        return true;
    }

    private static bool IsVisible(ReadOnlySpan<byte> s) => s.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e) < 0;

    /// <summary>field-value: VCHAR, SP, HTAB and obs-text; no CR, LF, NUL or other controls.</summary>
    private static bool IsFieldValue(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
            if (b < 0x20 && b != (byte)'\t' || b == 0x7f) return false;
        return true;
    }
}
