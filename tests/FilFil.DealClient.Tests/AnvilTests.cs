using System.Numerics;
using System.Text.Json;
using FilFil.DealClient.Ethereum;
using FilFil.DealClient.Messages;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3.Accounts;
using Xunit;

namespace FilFil.DealClient.Tests;

/// <summary>The typed messages, endpoint, keystore and unsigned form against the devnet's EVM (anvil, the contract deployed).</summary>
public class AnvilTests : IClassFixture<AnvilFixture>
{
    private static readonly BigInteger OneFil = BigInteger.Pow(10, 18);
    private readonly AnvilFixture _anvil;
    private readonly EthereumEndpoint _endpoint;

    public AnvilTests(AnvilFixture anvil)
    {
        _anvil = anvil;
        _endpoint = new EthereumEndpoint(anvil.Url) { ReceiptPollInterval = TimeSpan.FromMilliseconds(100) };
    }

    [Fact]
    public async Task SignedAndUnsignedCallsFromTwoAccountsHaveTheSameEffect()
    {
        var chainId = await _endpoint.GetChainIdAsync();
        Assert.Equal(31337, chainId);
        var poolBefore = await _endpoint.QueryAsync<RewardPoolFunction, BigInteger>(_anvil.Contract, new RewardPoolFunction());

        // Signed here (EIP-1559, the User's keystore).
        var account = _anvil.User;
        var signedHash = await _endpoint.SendAsync(account, _anvil.Contract, new FundRewardsFunction { AmountToSend = OneFil });
        var signed = await _endpoint.WaitForReceiptAsync(signedHash);
        Assert.Equal(1, signed.Status.Value);
        Assert.Equal(2, (int)signed.Type.Value);        // EIP-1559
        var afterSigned = await _endpoint.QueryAsync<RewardPoolFunction, BigInteger>(_anvil.Contract, new RewardPoolFunction());

        // Unsigned: (to, data, value, chainId) only; Provider1 sends it as it is, as a wallet would.
        var unsigned = UnsignedTransaction.For(_anvil.Contract, new FundRewardsFunction { AmountToSend = OneFil }, chainId);
        var sentHash = await _endpoint.SendAsync(_anvil.Provider1, unsigned.ToTransactionInput());
        var sent = await _endpoint.WaitForReceiptAsync(sentHash);
        Assert.Equal(2, (int)sent.Type.Value);
        Assert.Equal(1, sent.Status.Value);
        var afterUnsigned = await _endpoint.QueryAsync<RewardPoolFunction, BigInteger>(_anvil.Contract, new RewardPoolFunction());

        Assert.Equal(OneFil, afterSigned - poolBefore);
        Assert.Equal(afterSigned - poolBefore, afterUnsigned - afterSigned);
        var e1 = Assert.Single(signed.DecodeAllEvents<RewardsFundedEvent>()).Event;
        var e2 = Assert.Single(sent.DecodeAllEvents<RewardsFundedEvent>()).Event;
        Assert.Equal(_anvil.User.Address.ToLowerInvariant(), e1.From.ToLowerInvariant());
        Assert.Equal(_anvil.Provider1.Address.ToLowerInvariant(), e2.From.ToLowerInvariant());
        Assert.Equal(e1.Amount, e2.Amount);

        // The Safe Transaction Builder file carries the same call.
        using var doc = JsonDocument.Parse(unsigned.ToSafeBatchJson("FilFil fundRewards", safeAddress: _anvil.Provider1.Address));
        Assert.Equal("1.0", doc.RootElement.GetProperty("version").GetString());
        Assert.Equal("31337", doc.RootElement.GetProperty("chainId").GetString());
        var tx = Assert.Single(doc.RootElement.GetProperty("transactions").EnumerateArray());
        Assert.Equal(unsigned.To, tx.GetProperty("to").GetString());
        Assert.Equal(OneFil.ToString(), tx.GetProperty("value").GetString());
        Assert.Equal(unsigned.Data, tx.GetProperty("data").GetString());
        Assert.Equal("0x" + ABITypedRegistry.GetFunctionABI<FundRewardsFunction>().Sha3Signature, unsigned.Data);   // no arguments: the selector
    }

    [Fact]
    public async Task LogsArePagedAndDecoded()
    {
        var account = _anvil.User;
        var start = (ulong)(await _endpoint.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value + 1;
        var amounts = new BigInteger[] { 7, 11, 13 };
        foreach (var a in amounts)
            await _endpoint.WaitForReceiptAsync(await _endpoint.SendAsync(account, _anvil.Contract, new FundRewardsFunction { AmountToSend = a }));
        var head = (ulong)(await _endpoint.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        Assert.True(head >= start + 2);   // anvil mines one block per transaction: three pages of one block
        var paged = await _endpoint.GetLogsAsync<RewardsFundedEvent>(_anvil.Contract, start, head, maxRange: 1);
        var whole = await _endpoint.GetLogsAsync<RewardsFundedEvent>(_anvil.Contract, start, head);
        Assert.Equal(amounts, paged.Select(l => l.Event.Amount));
        Assert.Equal(amounts, whole.Select(l => l.Event.Amount));
        Assert.All(paged, l => Assert.Equal(account.Address.ToLowerInvariant(), l.Event.From.ToLowerInvariant()));
        Assert.Throws<ArgumentException>(() => { _endpoint.GetLogsAsync<RewardsFundedEvent>(_anvil.Contract, 5, 4).GetAwaiter().GetResult(); });
    }

    [Fact]
    public async Task StructGettersDecodeTheDeployedParameters()
    {
        var p = (await _endpoint.QueryOutputAsync<GetParamsFunction, GetParamsOutput>(_anvil.Contract, new GetParamsFunction())).Params;
        // script/Deploy.s.sol defaults
        Assert.Equal(10 * OneFil, p.MinCollateral);
        Assert.Equal(OneFil, p.RewardPerSnapshot);
        Assert.Equal(120UL, p.WindowLength);
        Assert.Equal(3u, p.Replicas);
        Assert.Equal((ushort)5000, p.SlashBps);
        Assert.False(p.VerifiedDeals);
        var slot = (await _endpoint.QueryOutputAsync<SlotInfoFunction, SlotInfoOutput>(_anvil.Contract, new SlotInfoFunction { Height = 42 })).Slot;
        Assert.False(slot.Exists);
        Assert.False(await _endpoint.QueryAsync<PausedFunction, bool>(_anvil.Contract, new PausedFunction()));
    }

    [Fact]
    public async Task FeesAndNoncesComeFromTheNode()
    {
        var fees = await _endpoint.GetFeesAsync();
        Assert.True(fees.BaseFeePerGas > 0);
        Assert.Equal(2 * fees.BaseFeePerGas + fees.MaxPriorityFeePerGas, fees.MaxFeePerGas);
        var n = await _endpoint.GetNonceAsync(_anvil.Provider2.Address.ToLowerInvariant());
        Assert.True(n >= 0);
    }

    [Fact]
    public async Task WaitingForAReceiptHonoursCancellationAndReportsProgress()
    {
        var reports = new List<ReceiptProgress>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var unknown = "0x" + new string('a', 64);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _endpoint.WaitForReceiptAsync(unknown, new SyncProgress(reports.Add), cts.Token));
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(unknown, r.TransactionHash));
    }

    [Fact]
    public async Task ARevertingCallIsRefusedBeforeAnythingIsSent()
    {
        var account = _anvil.User;
        var nonce = await _endpoint.GetNonceAsync(account.Address);
        // the User is not the owner: publishSlot reverts in estimation
        await Assert.ThrowsAnyAsync<Exception>(() => _endpoint.SendAsync(account, _anvil.Contract,
            new PublishSlotFunction { Slot = 1, Pieces = [new PieceInput { PieceCid = [1, 2, 3], PaddedSize = 2048, CarSize = 100 }] }));
        Assert.Equal(nonce, await _endpoint.GetNonceAsync(account.Address));
    }

    private sealed class SyncProgress(Action<ReceiptProgress> report) : IProgress<ReceiptProgress>
    {
        public void Report(ReceiptProgress value) => report(value);
    }
}
