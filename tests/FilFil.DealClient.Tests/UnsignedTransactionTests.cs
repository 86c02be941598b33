using System.Numerics;
using System.Text.Json;
using FilFil.DealClient.Ethereum;
using FilFil.DealClient.Messages;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Xunit;

namespace FilFil.DealClient.Tests;

public class UnsignedTransactionTests
{
    private const string Contract = "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9";

    [Fact]
    public void CarriesTheTypedCallAndAChecksummedAddress()
    {
        var fn = new RegisterFunction { MinerId = 1234, RetrievalUrl = "https://sp.example/piece", AmountToSend = 10 };
        var t = UnsignedTransaction.For(Contract, fn, 314);
        Assert.Equal("0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9", t.To);
        Assert.Equal(fn.GetCallData().ToHex(true), t.Data);
        Assert.StartsWith("0x" + ABITypedRegistry.GetFunctionABI<RegisterFunction>().Sha3Signature, t.Data);
        Assert.Equal(10, t.Value);
        Assert.Equal(314, t.ChainId);
        var decoded = new RegisterFunction().DecodeInput(t.Data);
        Assert.Equal(1234UL, decoded.MinerId);
        Assert.Equal("https://sp.example/piece", decoded.RetrievalUrl);
    }

    [Fact]
    public void SafeBatchHoldsEveryTransactionOfOneChain()
    {
        var a = UnsignedTransaction.For(Contract, new RetractSlotFunction { Slot = 7 }, 314);
        var b = UnsignedTransaction.For(Contract, new FundRewardsFunction { AmountToSend = BigInteger.Pow(10, 20) }, 314);
        var json = UnsignedTransaction.ToSafeBatchJson([a, b], "FilFil", "retract and fund", createdAt: DateTimeOffset.FromUnixTimeMilliseconds(1700000000000));
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        Assert.Equal("1.0", r.GetProperty("version").GetString());
        Assert.Equal("314", r.GetProperty("chainId").GetString());
        Assert.Equal(1700000000000, r.GetProperty("createdAt").GetInt64());
        Assert.Equal("FilFil", r.GetProperty("meta").GetProperty("name").GetString());
        var txs = r.GetProperty("transactions").EnumerateArray().ToArray();
        Assert.Equal(2, txs.Length);
        Assert.Equal("0", txs[0].GetProperty("value").GetString());
        Assert.Equal("100000000000000000000", txs[1].GetProperty("value").GetString());
        Assert.Equal(a.Data, txs[0].GetProperty("data").GetString());
        var other = UnsignedTransaction.For(Contract, new PauseFunction(), 1);
        Assert.Throws<ArgumentException>(() => UnsignedTransaction.ToSafeBatchJson([a, other], "mixed"));
        Assert.Throws<ArgumentException>(() => UnsignedTransaction.For("0x1234", new PauseFunction(), 1));
    }
}
