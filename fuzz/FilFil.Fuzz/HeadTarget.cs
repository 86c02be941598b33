using FilFil.Core.Serving;

namespace FilFil.Fuzz;

/// <summary>
/// The request heads <see cref="HttpGate"/> checks before HttpListener sees a byte (<see cref="RequestHead.FindEnd"/>,
/// <see cref="RequestHead.Parse"/>). The input is the raw bytes a client sends. Findings: an exception; a refusal
/// without a 4xx/5xx status or a reason; an accepted head whose target is not an origin-form path of visible ASCII,
/// whose field lines hold CR, LF or NUL (they are forwarded as they are), an HTTP/1.1 head without Host, a negative
/// Content-Length; a head that parses differently when written back in its canonical form.
/// </summary>
internal static class HeadTarget
{
    public static void Head(byte[] data)
    {
        int end = RequestHead.FindEnd(data);
        if (end < 0) return;
        var head = RequestHead.Parse(data.AsSpan(0, end), out int status, out string reason);
        if (head is null)
        {
            Check(status is >= 400 and <= 599 && reason.Length > 0, $"a refusal with status {status} and reason '{reason}'");
            return;
        }
        Check(head.Target.StartsWith('/') && head.Target.All(c => c is > ' ' and < (char)0x7f), "an accepted target that is not a visible origin-form path");
        Check(head.MinorVersion is 0 or 1, "an accepted version other than 1.0 or 1.1");
        Check(head.MinorVersion == 0 || head.Host is not null, "an HTTP/1.1 head without Host accepted");
        Check(head.ContentLength >= 0, "a negative Content-Length accepted");
        var canonical = new List<byte>();
        canonical.AddRange(data.AsSpan(head.RequestLine.Start, head.RequestLine.Length));
        canonical.AddRange("\r\n"u8);
        foreach (var (start, length) in head.FieldLines)
        {
            var line = data.AsSpan(start, length);
            Check(line.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) < 0, "an accepted field line holds CR, LF or NUL");
            canonical.AddRange(line);
            canonical.AddRange("\r\n"u8);
        }
        canonical.AddRange("\r\n"u8);
        var again = RequestHead.Parse(canonical.ToArray(), out _, out string why);
        Check(again is not null, $"the canonical form of an accepted head is refused: {why}");
        Check(again!.Method == head.Method && again.Target == head.Target && again.Host == head.Host && again.ContentLength == head.ContentLength
            && again.IsUpgrade == head.IsUpgrade && again.KeepAlive == head.KeepAlive, "the canonical form of a head parses differently");
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new FuzzFinding(what);
    }
}
