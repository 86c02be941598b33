using CsCheck;
using FilFil.Core.Serving;
using Xunit;

namespace FilFil.Core.Tests.Serving;

public sealed class RequestHeadTests
{
    private static RequestHead? Parse(string head, out int status) =>
        RequestHead.Parse(System.Text.Encoding.Latin1.GetBytes(head), out status, out _);

    [Fact]
    public void A_typical_head_is_read_with_its_fields()
    {
        var h = Parse("\r\nPOST /rpc/v1?x=1 HTTP/1.1\r\nHost: 127.0.0.1:1234\r\ncontent-length:  42 \r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n", out _)!;
        Assert.Equal("POST", h.Method);
        Assert.Equal("/rpc/v1?x=1", h.Target);
        Assert.Equal(1, h.MinorVersion);
        Assert.Equal("127.0.0.1:1234", h.Host);
        Assert.Equal(42, h.ContentLength);
        Assert.True(h.IsUpgrade);
        Assert.True(h.KeepAlive);
        Assert.Equal(4, h.FieldLines.Count);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true)]
    public void Keep_alive_follows_the_version_and_connection_field(string head, bool keepAlive) =>
        Assert.Equal(keepAlive, Parse(head, out _)!.KeepAlive);

    [Fact]
    public void An_upgrade_field_without_connection_upgrade_is_no_upgrade() =>
        Assert.False(Parse("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n", out _)!.IsUpgrade);

    [Fact]
    public void FindEnd_finds_the_empty_line_or_nothing()
    {
        Assert.Equal(-1, RequestHead.FindEnd("GET / HTTP/1.1\r\nHost: a\r\n"u8));
        Assert.Equal(27, RequestHead.FindEnd("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody"u8));
    }

    /// <summary>Any bytes ending a head: a head or a refusal with a 4xx/5xx status, never an exception; what is accepted is well formed.</summary>
    [Fact]
    public void Random_heads_are_parsed_or_refused_never_thrown()
    {
        var pieces = Gen.OneOfConst("GET", "POST", " ", "/", "\r\n", "\r", "\n", ":", "Host", "Content-Length", "Transfer-Encoding",
            "Connection", "Upgrade", "close", "HTTP/1.1", "HTTP/1.0", "HTTP/2", "1", "-", "99999999999999999999", "\t", "\0", "a", "\u00ff");
        pieces.Array[0, 40].Select(a => string.Concat(a) + "\r\n\r\n").Sample(text =>
        {
            var bytes = System.Text.Encoding.Latin1.GetBytes(text);
            int end = RequestHead.FindEnd(bytes);
            Assert.True(end > 0);
            var h = RequestHead.Parse(bytes.AsSpan(0, end), out int status, out string reason);
            if (h is null)
            {
                Assert.InRange(status, 400, 599);
                Assert.NotEmpty(reason);
                return;
            }
            Assert.StartsWith("/", h.Target);
            Assert.True(h.ContentLength >= 0);
            Assert.True(h.MinorVersion is 0 or 1);
            Assert.True(h.MinorVersion == 0 || h.Host is not null);
            foreach (var (start, length) in h.FieldLines)
                Assert.True(bytes.AsSpan(start, length).IndexOfAny((byte)'\r', (byte)'\n') < 0);
        }, iter: 20_000);
    }
}
