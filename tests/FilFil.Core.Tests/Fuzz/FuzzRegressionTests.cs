
using System.Text.Json;
using FilFil.Core.Car;
using FilFil.Core.Ipld;
using FilFil.Core.Lotus;
using FilFil.Devnet;
using FilFil.Devnet.Rpc;
using Xunit;

namespace FilFil.Core.Tests.Fuzz;

/// <summary>
/// Inputs found by the coverage-guided fuzzers (fuzz/, docs/fuzzing.md), each named after its finding; the crashing
/// inputs are under tests/FilFil.Core.Tests/fuzz-regressions/&lt;target&gt;/ (the CI smoke also replays them).
/// </summary>
public class FuzzRegressionTests
{
    private static byte[] Input(string target, string name) =>
        File.ReadAllBytes(Path.Combine(Fixtures.RepoRoot, "tests", "FilFil.Core.Tests", "fuzz-regressions", target, name));

    private static void ReadWholeCar(byte[] data)
    {
        using var reader = new CarReader(new MemoryStream(data));
        while (reader.TryRead(out _)) { }
    }

    [Fact]
    public void Car_TruncatedZstdFrame_IsAFormatErrorNotEndOfStream()
    {
        // fuzz finding: ZstdSharp's EndOfStreamException ("Premature end of stream") escaped CarReader with no offset
        var e = Assert.Throws<FilFilFormatException>(() => ReadWholeCar(Input("car", "truncated-zstd-frame.bin")));
        Assert.Contains("zstd", e.Message);
        Assert.IsType<EndOfStreamException>(e.InnerException);
    }

    [Fact]
    public void Car_AnyTruncationOfACompressedCar_IsAFormatError()
    {
        var car = Input("car", "truncated-zstd-frame.bin");
        var whole = Path.Combine(Fixtures.RepoRoot, "fuzz", "corpus", "car", "v1-4-blocks.car.zst");
        var data = File.Exists(whole) ? File.ReadAllBytes(whole) : car;
        for (int n = 4; n < data.Length; n += 7)
            Assert.Throws<FilFilFormatException>(() => ReadWholeCar(data[..n]));
    }

    [Fact]
    public void LotusFrame_TruncatedJson_IsAFormatError()
    {
        // fuzz finding: JsonDocument's JsonReaderException ended the client's receive loop with the parser's message
        var e = Assert.Throws<FilFilFormatException>(() => LotusFrame.Parse(Input("lotus", "truncated-json-frame.bin")));
        Assert.StartsWith("Lotus JSON", e.Message);
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":5}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"xrpc.ch.val\",\"params\":[\"7\",[]]}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"xrpc.ch.val\",\"params\":[1e30,[]]}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"xrpc.ch.close\",\"params\":[null]}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"xrpc\\ud800\"}")]
    public void LotusFrame_NotificationOfTheWrongShape_IsAFormatError(string frame) =>
        Assert.Throws<FilFilFormatException>(() => LotusFrame.Parse(System.Text.Encoding.UTF8.GetBytes(frame)));

    [Fact]
    public void LotusFrame_InvalidUtf8InTheMethod_IsAFormatError() =>
        Assert.Throws<FilFilFormatException>(() => LotusFrame.Parse([.. "{\"method\":\"xrpc."u8, 0xff, .. "\"}"u8]));

    [Theory]
    [InlineData("{\"id\":\"1\",\"result\":1}")]
    [InlineData("{\"id\":1.5,\"result\":1}")]
    [InlineData("[1,2]")]
    public void LotusFrame_ResponseToNoRequestOfOurs_IsIgnored(string frame) =>
        Assert.Equal(LotusFrameKind.Ignored, LotusFrame.Parse(System.Text.Encoding.UTF8.GetBytes(frame)).Kind);

    [Fact]
    public void LotusFrame_ErrorWithOddlyTypedFields_KeepsTheRawError()
    {
        var f = LotusFrame.Parse("{\"id\":3,\"error\":{\"code\":\"x\",\"message\":5}}"u8);
        Assert.Equal(LotusFrameKind.Error, f.Kind);
        Assert.Equal(0, f.ErrorCode);
        Assert.Contains("\"message\":5", f.ErrorMessage);
    }

    [Theory]
    [InlineData("[{\"Val\":{}}]")]
    [InlineData("[{\"Type\":1,\"Val\":{}}]")]
    [InlineData("[5]")]
    public void LotusFrame_HeadChangeOfTheWrongShape_IsAFormatError(string batch)
    {
        using var doc = JsonDocument.Parse(batch);
        Assert.Throws<FilFilFormatException>(() => LotusFrame.HeadChanges(doc.RootElement));
    }

    [Theory]
    [InlineData("{\"Cids\":[],\"Height\":\"3\"}")]
    [InlineData("{\"Cids\":[{\"/\":5}]}")]
    [InlineData("{\"Cids\":[{\"/\":\"bafy\"}]}")]
    [InlineData("{\"Cids\":[7]}")]
    public void LotusFrame_TipSetOfTheWrongShape_IsAFormatError(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Throws<FilFilFormatException>(() => LotusFrame.TipSetKey(doc.RootElement));
    }

    [Theory]
    [InlineData("\"not base64!\"")]
    [InlineData("5")]
    public void LotusFrame_BlockBytesThatAreNotBase64_AreAFormatError(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Throws<FilFilFormatException>(() => LotusFrame.Base64(doc.RootElement));
    }

    private static readonly Lazy<RpcDispatcher> Dispatcher = new(() =>
    {
        var chain = new DevnetChain(new DevnetOptions { Seed = 7, StateBlocks = 64, MessagesPerBlock = 2 });
        chain.Advance(2);
        return new RpcDispatcher(new RpcMethods(chain, new DevnetFaults(chain, () => { })));
    });

    private static JsonElement Dispatch(byte[] request, out int status)
    {
        using var doc = JsonDocument.Parse(request);
        var reply = Dispatcher.Value.HandleAsync(doc.RootElement, 1, null, CancellationToken.None).GetAwaiter().GetResult();
        status = reply.Status;
        using var parsed = JsonDocument.Parse(reply.Frame!);
        return parsed.RootElement.Clone();
    }

    [Fact]
    public void Devnet_InvalidUtf8InTheMethodName_IsAParseErrorNotAnEscapingException()
    {
        // fuzz finding: JsonElement.GetString threw InvalidOperationException out of RpcDispatcher.HandleAsync
        var reply = Dispatch(Input("devnet", "invalid-utf8-method.bin"), out int status);
        Assert.Equal(500, status);
        Assert.Equal(RpcProtocolException.ParseError, reply.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public void Devnet_InvalidUtf8InACidParam_IsAParseErrorForThatRequest()
    {
        byte[] req = [.. "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"Filecoin.ChainReadObj\",\"params\":[{\"/\":\"baf"u8, 0xc3, 0x28, .. "\"}]}"u8];
        var reply = Dispatch(req, out _);
        Assert.Equal(4, reply.GetProperty("id").GetInt32());
        Assert.Equal(RpcProtocolException.ParseError, reply.GetProperty("error").GetProperty("code").GetInt32());
        Assert.DoesNotContain("panic", reply.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public void Devnet_InvalidUtf8InTheId_IsAParseError()
    {
        byte[] req = [.. "{\"jsonrpc\":\"2.0\",\"id\":\""u8, 0xff, .. "\",\"method\":\"Filecoin.ChainHead\"}"u8];
        var reply = Dispatch(req, out _);
        Assert.Equal(RpcProtocolException.ParseError, reply.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("bytes=0-9, 20-29,ipld.raw;-5")] // http/bad-spec-after-good-ones.bin
    [InlineData("bytes=0-9,5-1")]
    [InlineData("bytes=0-59,10-99")]
    public void ByteRanges_HeaderIgnoredWhole_ReturnsNoRanges(string header)
    {
        // fuzz finding: a bad spec after good ones made the whole header ignored (200), but the good ranges stayed in
        // the out list, so a caller that looked at the list without the outcome would have sent a partial response
        var outcome = FilFil.Core.Serving.ByteRanges.Parse(header, 100, 64, out var ranges);
        Assert.Equal(FilFil.Core.Serving.ByteRanges.Outcome.Whole, outcome);
        Assert.Empty(ranges);
    }
}

/// <summary>Quadratic base58: found by hand with one large input through the cid and devnet targets (afl++ keeps inputs small).</summary>
public class CidTextLengthTests
{
    [Fact]
    public void Cid_HugeBase58Text_IsRefusedBeforeDecoding()
    {
        // 200 KB of base58 took 8 s of CPU to decode before the length check
        var e = Assert.Throws<FilFilFormatException>(() => Cid.Parse("z" + new string('2', 200_000)));
        Assert.Contains("at most 512 characters", e.Message);
    }

    [Fact]
    public void Cid_LongestAcceptedText_StillParses()
    {
        var identity = Cid.Create(Multicodec.Raw, Multicodec.Identity, new byte[250]);
        Assert.True(identity.ToString().Length <= Cid.MaxTextLength);
        Assert.Equal(identity, Cid.Parse(identity.ToString()));
    }

    [Fact]
    public async Task Devnet_RequestWithAMegabyteCid_IsAnsweredWithAParamError()
    {
        using var chain = new DevnetChain(new DevnetOptions { Seed = 7, StateBlocks = 64, MessagesPerBlock = 2 });
        var dispatcher = new RpcDispatcher(new RpcMethods(chain, new DevnetFaults(chain, () => { })));
        var req = JsonSerializer.SerializeToUtf8Bytes(new { jsonrpc = "2.0", id = 1, method = "Filecoin.ChainReadObj", @params = new[] { new Dictionary<string, string> { ["/"] = "z" + new string('2', 1 << 20) } } });
        using var doc = JsonDocument.Parse(req);
        var reply = await dispatcher.HandleAsync(doc.RootElement, 1, null, CancellationToken.None);
        using var parsed = JsonDocument.Parse(reply.Frame!);
        var err = parsed.RootElement.GetProperty("error");
        Assert.Equal(RpcProtocolException.ParseError, err.GetProperty("code").GetInt32());
        Assert.Contains("at most 512 characters", err.GetProperty("message").GetString());
    }
}
