using System.Numerics;
using FilFil.Core.Chain;
using FilFil.DealClient.Curio;
using FilFil.DealClient.Deals;
using FilFil.DealClient.Ethereum;
using FilFil.DealClient.Messages;
using Nethereum.Contracts;
using Nethereum.Web3.Accounts;
using Xunit;

namespace FilFil.DealClient.Tests;

/// <summary>
/// Windows read from the contract, proposeDeal built for a piece, and the proposal the contract then serves turned
/// into Curio's MK12 deal — which the contract's AuthenticateMessage accepts for the assigned miner and refuses for
/// another (the check Curio runs by simulation before it takes a contract deal) — on the devnet's EVM (DevnetEvm).
/// </summary>
public class WindowAndProposalTests : IClassFixture<AnvilFixture>
{
    private readonly AnvilFixture _anvil;
    private readonly EthereumEndpoint _e;

    public WindowAndProposalTests(AnvilFixture anvil)
    {
        _anvil = anvil;
        _e = new EthereumEndpoint(anvil.Url) { ReceiptPollInterval = TimeSpan.FromMilliseconds(50) };
    }

    private static byte[] PieceCid(byte seed) => [0x01, 0x81, 0xe2, 0x03, 0x92, 0x20, 0x20, .. Enumerable.Range(0, 32).Select(i => (byte)(i + seed))];

    private async Task SendAsync<T>(Account from, T fn, string? to = null) where T : Nethereum.Contracts.FunctionMessage, new()
    {
        var r = await _e.WaitForReceiptAsync(await _e.SendAsync(from, to ?? _anvil.Contract, fn));
        Assert.Equal(1, r.Status.Value);
    }

    [Fact]
    public async Task AWindowIsReadProposedIntoAndItsDealAcceptedForTheAssignedMinerOnly()
    {
        // the miner stand-ins the devnet set up for Provider1 and Provider2
        const ulong minerA = AnvilFixture.Miner1, minerB = AnvilFixture.Miner2, slot = 100;
        await SendAsync(_anvil.Operator, new FundRewardsFunction { AmountToSend = 10 * AnvilActors.OneFil });
        await SendAsync(_anvil.Provider1, new RegisterFunction { MinerId = minerA, RetrievalUrl = "http://127.0.0.1/a", AmountToSend = 10 * AnvilActors.OneFil });
        await SendAsync(_anvil.Provider2, new RegisterFunction { MinerId = minerB, RetrievalUrl = "http://127.0.0.1/b", AmountToSend = 10 * AnvilActors.OneFil });

        var none = await WindowReader.GetWindowAsync(_e, _anvil.Contract, minerA);
        Assert.Equal(WindowState.None, none.State);
        Assert.Empty(none.Pieces);

        await SendAsync(_anvil.Operator, new PublishSlotFunction
        {
            Slot = slot, Pieces = [new PieceInput { PieceCid = PieceCid(1), PaddedSize = 2048, CarSize = 2000 }],
        });
        var w = await WindowReader.GetWindowAsync(_e, _anvil.Contract, minerA);
        Assert.Equal(WindowState.Open, w.State);
        Assert.Equal(slot, w.Slot);
        Assert.Equal(119UL, w.LastEpoch - w.FirstEpoch);            // windowLength 120 (Deploy.s.sol default)
        Assert.InRange(w.NextEpoch, w.FirstEpoch, w.LastEpoch);
        Assert.Equal(w.LastEpoch - w.NextEpoch + 1, w.EpochsLeft);
        var piece = Assert.Single(w.Pieces);
        Assert.Equal(FilFil.Core.Ipld.Cid.FromBytes(PieceCid(1)).ToString(), piece.PieceCid);
        Assert.StartsWith("baga6ea4seaq", piece.PieceCid, StringComparison.Ordinal);
        Assert.Equal((2048UL, 2000UL, -1L), (piece.PaddedSize, piece.CarSize, piece.DealId));
        var bySlot = await WindowReader.GetWindowAsync(_e, _anvil.Contract, minerA, slot);
        Assert.Equal(w.Assignment, bySlot.Assignment);

        // the arguments: FilFil's /piece/{cid} URL and the exact CAR size; a wrong size never reaches the chain
        string url = ProposeDealArguments.PieceUrl(new Uri("http://127.0.0.1:8080/"), piece.PieceCid);
        Assert.Equal($"http://127.0.0.1:8080/piece/{piece.PieceCid}", url);
        Assert.Throws<ArgumentException>(() => ProposeDealArguments.Create(w, piece, url, 1999));
        var propose = ProposeDealArguments.Create(w, piece, url, 2000);
        var receipt = await _e.WaitForReceiptAsync(await _e.SendAsync(_anvil.Provider1, _anvil.Contract, propose));
        var created = Assert.Single(receipt.DecodeAllEvents<ProposalCreatedEvent>()).Event;
        Assert.Equal(url, created.LocationRef);

        // what Curio gets: the contract's proposal with the miner as provider, the transfer from the extra params
        var proposalBytes = await _e.QueryAsync<GetDealProposalFunction, byte[]>(_anvil.Contract, new GetDealProposalFunction { ProposalId = created.Id });
        var extraBytes = await _e.QueryAsync<GetExtraParamsFunction, byte[]>(_anvil.Contract, new GetExtraParamsFunction { ProposalId = created.Id });
        var proposal = ContractDealProposal.Parse(proposalBytes);
        var extra = ContractExtraParams.Parse(extraBytes);
        Assert.Equal(piece.PieceCid, proposal.PieceCid);
        Assert.Equal(piece.PieceCid, proposal.Label);
        Assert.Equal(FilecoinAddress.FromEthereum(_anvil.Contract), proposal.Client);
        Assert.Equal(new ContractExtraParams(url, 2000, false, false), extra);
        Assert.Equal(created.StartEpoch, proposal.StartEpoch);
        var body = Mk12DealParams.Encode(Guid.NewGuid(), proposal, extra, minerA);
        Assert.NotEmpty(body);

        // AuthenticateMessage (as the market and Curio's simulation call it) accepts it for miner A, not for B
        Assert.True(await _e.QueryAsync<AnvilActors.AuthenticateFunction, bool>(AnvilActors.Market,
            new AnvilActors.AuthenticateFunction { Client = _anvil.Contract, Proposal = proposal.WithProvider(minerA) }));
        Assert.False(await _e.QueryAsync<AnvilActors.AuthenticateFunction, bool>(AnvilActors.Market,
            new AnvilActors.AuthenticateFunction { Client = _anvil.Contract, Proposal = proposal.WithProvider(minerB) }));

        // published by the market stand-in: the window shows the deal and is fulfilled (closed)
        await SendAsync(_anvil.Operator, new AnvilActors.PublishStorageDealsFunction { Client = _anvil.Contract, Proposals = [proposal.WithProvider(minerA)] }, AnvilActors.Market);
        var after = await WindowReader.GetWindowAsync(_e, _anvil.Contract, minerA);
        Assert.Equal(WindowState.Closed, after.State);
        Assert.Equal("Fulfilled", after.AssignmentStatusName);
        long dealId = Assert.Single(after.Pieces).DealId;
        Assert.True(dealId >= 0);
        var deal = (await _e.QueryOutputAsync<DealInfoFunction, DealInfoOutput>(_anvil.Contract, new DealInfoFunction { DealId = (ulong)dealId })).Deal;
        Assert.Equal((minerA, slot, 1), (deal.Provider, deal.Slot, (int)deal.State));   // D_PUBLISHED

        // miner B's window runs out: closed, and a proposal is refused in gas estimation (nonce unchanged)
        await _anvil.Evm.MineAsync(130);
        var b = await WindowReader.GetWindowAsync(_e, _anvil.Contract, minerB);
        Assert.Equal(WindowState.Closed, b.State);
        Assert.Equal(0UL, b.EpochsLeft);
        var accountB = _anvil.Provider2;
        var nonce = await _e.GetNonceAsync(accountB.Address);
        await Assert.ThrowsAnyAsync<Exception>(() => _e.SendAsync(accountB, _anvil.Contract, ProposeDealArguments.Create(b, b.Pieces[0], url, 2000)));
        Assert.Equal(nonce, await _e.GetNonceAsync(accountB.Address));
    }

    [Theory]
    [InlineData(1, 10, 20, 5, WindowState.Upcoming)]
    [InlineData(1, 10, 20, 10, WindowState.Open)]
    [InlineData(1, 10, 20, 20, WindowState.Open)]
    [InlineData(1, 10, 20, 21, WindowState.Closed)]
    [InlineData(2, 10, 20, 15, WindowState.Closed)]   // fulfilled
    [InlineData(5, 10, 20, 15, WindowState.Closed)]   // void
    [InlineData(0, 0, 0, 15, WindowState.None)]
    public void TheStateFollowsTheContractsProposerRule(byte status, ulong first, ulong last, ulong next, WindowState state) =>
        Assert.Equal(state, ProviderWindow.Compute(status, first, last, next));

    [Theory]
    [InlineData("ftp://x/y")]
    [InlineData("http://x/a b")]
    [InlineData("http://x/\"")]
    [InlineData("http://x/\\")]
    [InlineData("")]
    public void LocationsTheContractRefusesAreRefusedHere(string url) =>
        Assert.Throws<ArgumentException>(() => ProposeDealArguments.CheckLocation(url));
}
