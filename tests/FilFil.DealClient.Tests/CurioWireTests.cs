using System.Net;
using System.Text;
using FilFil.Core.Ipld;
using FilFil.Core.Serving;
using FilFil.DealClient.Curio;
using Xunit;

namespace FilFil.DealClient.Tests;

/// <summary>
/// The Curio MK12 deal request and response at the byte level, against what curio's cbor-gen code writes and reads
/// (market/mk12/types_cbor_gen.go: DealParams, Transfer, DealResponse with --map-encoding; go-state-types
/// market.ClientDealProposal as a tuple; crypto.Signature as one byte string, type byte first), and the HTTP
/// exchange against a loopback listener that answers as market/mk12/http/http.go does.
/// </summary>
public class CurioWireTests
{
    // docs/contracts.md "DealProposal" example: piece digest 00..1f, 2048 bytes, verified, client f410(0x11..11),
    // provider f01234, label = the piece CID text, start 10101, end 528501, price 0, provider collateral 1e15, client collateral 0.
    private const string PieceCidHex = "0181e203922020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const string Label = "baga6ea4seaqaaaicamcakbqhbaequcymbuha6earcijrifiwc4mbsgq3dqor4hy";

    private static string ProposalHex(string providerBytesHex) =>
        "8b" + "d82a5828" + "00" + PieceCidHex + "190800" + "f5" + "56040a" + string.Concat(Enumerable.Repeat("11", 20))
        + providerBytesHex + "7840" + Convert.ToHexString(Encoding.ASCII.GetBytes(Label)).ToLowerInvariant()
        + "192775" + "1a00081075" + "40" + "4800038d7ea4c68000" + "40";

    // the contract's form: provider f00 (42 00 00), as getDealProposal returns it
    private static byte[] ContractProposal => Convert.FromHexString(ProposalHex("420000"));

    private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexString(b).ToLowerInvariant();

    private static string Text(string s) =>
        Hex(new CborWriter().WriteText(s).WrittenSpan);

    [Fact]
    public void TheContractProposalIsParsedAndOnlyTheProviderIsReplaced()
    {
        var p = ContractDealProposal.Parse(ContractProposal);
        Assert.Equal(Label, p.PieceCid);
        Assert.Equal(Label, p.Label);
        Assert.Equal(2048UL, p.PieceSize);
        Assert.True(p.VerifiedDeal);
        Assert.Equal("f00", p.Provider.ToString());
        Assert.Equal(10101, p.StartEpoch);
        Assert.Equal(528501, p.EndEpoch);
        // the example of docs/contracts.md (provider f01234 = 43 00 d2 09), byte for byte
        Assert.Equal(ProposalHex("4300d209"), Hex(p.WithProvider(1234)));
        Assert.Equal(161, p.WithProvider(1234).Length);   // "58 a1 <161-byte proposal>" in the AuthenticateMessage example
    }

    [Fact]
    public void DealParamsAreWrittenAsCurioCborGenWritesThem()
    {
        var uuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        var extra = ContractExtraParams.Parse(Convert.FromHexString("846f68747470733a2f2f782f792e6361721a000f4240f4f4"));
        Assert.Equal(new ContractExtraParams("https://x/y.car", 1000000, false, false), extra);
        var body = Mk12DealParams.Encode(uuid, ContractDealProposal.Parse(ContractProposal), extra, 1234);

        string json = "{\"URL\":\"https://x/y.car\",\"Headers\":null}"; // Go's json.Marshal(&mk12.HttpRequest{URL: u})
        string expected =
            "a7"                                                             // map(7), keys by length then bytes (cbor-gen)
            + Text("DealUUID") + "50" + "00112233445566778899aabbccddeeff"     // bytes(16), RFC 4122 order
            + Text("Transfer") + "a4"
            + Text("Size") + "1a000f4240"
            + Text("Type") + Text("http")
            + Text("Params") + "58" + json.Length.ToString("x2") + Hex(Encoding.ASCII.GetBytes(json))
            + Text("ClientID") + "60"
            + Text("IsOffline") + "f4"
            + Text("DealDataRoot") + "d82a5828" + "00" + PieceCidHex       // the label as a CID, as Boost's monitor does
            + Text("SkipIPNIAnnounce") + "f4"
            + Text("ClientDealProposal") + "82" + ProposalHex("4300d209") + "4302dead"   // [proposal, sig: BLS type 2 ‖ dead]
            + Text("RemoveUnsealedCopy") + "f4";
        Assert.Equal(expected, Hex(body));
        Assert.Equal("a7" + "68" + Hex(Encoding.ASCII.GetBytes("DealUUID")), Hex(body.AsSpan(0, 10)));
    }

    [Fact]
    public void KeyOrderIsCborGensLengthFirstOrder()
    {
        var keys = new[] { "DealUUID", "Transfer", "IsOffline", "DealDataRoot", "SkipIPNIAnnounce", "ClientDealProposal", "RemoveUnsealedCopy" };
        var sorted = keys.OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToArray();
        Assert.Equal(sorted, keys);
        var body = Mk12DealParams.Encode(Guid.NewGuid(), ContractDealProposal.Parse(ContractProposal),
            new ContractExtraParams("http://127.0.0.1:1/piece/x", 5, true, true), 7);
        var r = new CborReader(body);
        Assert.Equal(7, r.ReadMapHeader());
        var seen = new List<string>();
        for (int i = 0; i < 7; i++) { seen.Add(r.ReadText()); r.SkipItem(); }
        r.ExpectEnd();
        Assert.Equal(keys, seen);
    }

    [Fact]
    public void TransferParamsEscapeAsGoDoes()
    {
        Assert.Equal("{\"URL\":\"http://h/a?b=1\\u0026c=\\u003cd\\u003e\",\"Headers\":null}",
            Encoding.UTF8.GetString(Mk12DealParams.HttpTransferParams("http://h/a?b=1&c=<d>")));
    }

    [Fact]
    public void ALabelThatIsNotACidIsRefused()
    {
        var hex = ProposalHex("420000").Replace("7840" + Hex(Encoding.ASCII.GetBytes(Label)), Text("not a cid"), StringComparison.Ordinal);
        var p = ContractDealProposal.Parse(Convert.FromHexString(hex));
        Assert.Equal("not a cid", p.Label);
        Assert.Throws<ArgumentException>(() => Mk12DealParams.Encode(Guid.NewGuid(), p, new ContractExtraParams("http://x/y", 1, false, false), 1));
    }

    [Fact]
    public void ResponsesAreReadInAnyKeyOrder()
    {
        // cbor-gen DealResponse.MarshalCBOR: a2 "Message" text "Accepted" bool
        var accepted = Convert.FromHexString("a2" + Text("Message") + "60" + Text("Accepted") + "f5");
        Assert.Equal(new Mk12DealResponse(true, ""), Mk12DealResponse.Parse(accepted));
        Assert.Equal(Hex(accepted), Hex(new Mk12DealResponse(true, "").Encode()));
        var rejected = Convert.FromHexString("a3" + Text("Accepted") + "f4" + Text("Extra") + "01" + Text("Message") + Text("failed validation: invalid signature"));
        Assert.Equal(new Mk12DealResponse(false, "failed validation: invalid signature"), Mk12DealResponse.Parse(rejected));
        Assert.ThrowsAny<FormatException>(() => Mk12DealResponse.Parse(Convert.FromHexString("a1" + Text("Message") + "60")));
    }

    [Theory]
    [InlineData("https://sp.example", "https://sp.example/market/mk12/store")]
    [InlineData("https://sp.example/", "https://sp.example/market/mk12/store")]
    [InlineData("https://sp.example/market/mk12", "https://sp.example/market/mk12/store")]
    [InlineData("http://127.0.0.1:12310/market/mk12/store", "http://127.0.0.1:12310/market/mk12/store")]
    public void TheStoreUrlIsUnderMarketMk12(string endpoint, string store) =>
        Assert.Equal(store, CurioMarketClient.StoreUrl(new Uri(endpoint)).ToString());

    [Fact]
    public async Task TheDealIsPostedAsCborAndTheAnswerRead()
    {
        using var peer = new Mk12Listener();
        var body = Mk12DealParams.Encode(Guid.NewGuid(), ContractDealProposal.Parse(ContractProposal),
            new ContractExtraParams("https://x/y.car", 1000000, false, false), 1234);
        using var client = new CurioMarketClient();

        peer.Answer = new Mk12DealResponse(false, "failed validation: deal start epoch 10101 has already elapsed");
        var r = await client.SubmitAsync(peer.Url, body);
        Assert.False(r.Accepted);
        Assert.Equal(peer.Answer.Message, r.Message);
        Assert.Equal("POST", peer.Method);
        Assert.Equal("/market/mk12/store", peer.Path);
        Assert.Equal("application/cbor", peer.ContentType);
        Assert.Equal(body, peer.Body);

        peer.Answer = new Mk12DealResponse(true, "");
        Assert.True((await client.SubmitAsync(peer.Url, body)).Accepted);

        peer.Status = 400;   // what mk12deal answers for another content type or undecodable CBOR
        var e = await Assert.ThrowsAsync<CurioMarketException>(() => client.SubmitAsync(peer.Url, body));
        Assert.Equal(400, e.StatusCode);
        Assert.Contains("could not read the deal", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableMarketIsAClearError()
    {
        int port = HttpListenerLifetime.FreePort();
        using var client = new CurioMarketClient();
        var e = await Assert.ThrowsAsync<CurioMarketException>(() => client.SubmitAsync(new Uri($"http://127.0.0.1:{port}"), [0xa0]));
        Assert.Null(e.StatusCode);
        Assert.Contains("could not be reached", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A loopback HTTP listener that answers /market/mk12/store the way Curio's handler does.</summary>
    private sealed class Mk12Listener : IDisposable
    {
        private readonly HttpListener _l;
        private readonly Task _loop;

        public Mk12Listener()
        {
            _l = HttpListenerLifetime.StartOnFreePort(p => $"http://127.0.0.1:{p}/", out int port);
            Url = new Uri($"http://127.0.0.1:{port}/");
            _loop = Task.Run(async () =>
            {
                while (_l.IsListening)
                {
                    HttpListenerContext c;
                    try { c = await _l.GetContextAsync(); } catch (Exception) { return; }
                    Method = c.Request.HttpMethod;
                    Path = c.Request.Url!.AbsolutePath;
                    ContentType = c.Request.ContentType;
                    using (var ms = new MemoryStream()) { await c.Request.InputStream.CopyToAsync(ms); Body = ms.ToArray(); }
                    var ok = Status == 200 && ContentType == "application/cbor" && Path == "/market/mk12/store";
                    c.Response.StatusCode = ok ? 200 : 400;
                    if (ok) await c.Response.OutputStream.WriteAsync(Answer.Encode());
                    c.Response.Close();
                }
            });
        }

        public Uri Url { get; }
        public int Status { get; set; } = 200;
        public Mk12DealResponse Answer { get; set; } = new(true, "");
        public string? Method { get; private set; }
        public string? Path { get; private set; }
        public string? ContentType { get; private set; }
        public byte[]? Body { get; private set; }

        public void Dispose()
        {
            HttpListenerLifetime.Stop(_l);
            try { _loop.Wait(2000); } catch (AggregateException) { }
        }
    }
}
