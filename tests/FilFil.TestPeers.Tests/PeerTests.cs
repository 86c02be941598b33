using System.Net.Http.Headers;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.DealClient.Ethereum;
using FilFil.DealClient.Messages;
using Nethereum.Contracts;
using Nethereum.Web3.Accounts;

namespace FilFil.TestPeers.Tests;

/// <summary>
/// The Boost and Curio stand-ins against the real contract on anvil: a deal proposed with proposeDeal is picked up,
/// fetched from a local HTTP server, verified and published through the market stand-in, and the contract records
/// it; a CAR of the wrong size or with the wrong commP is refused and nothing is published.
/// </summary>
public sealed class PeerTests(PeerFixture f) : IClassFixture<PeerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    private async Task<string> ProposeAsync(Account provider, uint piece, string url)
    {
        var receipt = await f.SendAsync(provider, new ProposeDealFunction { Slot = PeerFixture.Slot, PieceIndex = piece, LocationRef = url, CarSize = (ulong)f.Cars[piece].Length });
        var created = receipt.DecodeAllEvents<DealProposalCreateEvent>();
        Assert.Single(created);
        return "0x" + Convert.ToHexString(created[0].Event.Id).ToLowerInvariant();
    }

    private static async Task<DealOutcome> OutcomeAsync(DealExecutor executor, string proposalId)
    {
        var until = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < until)
        {
            var o = executor.Outcomes.FirstOrDefault(x => string.Equals(x.ProposalId, proposalId, StringComparison.OrdinalIgnoreCase));
            if (o is not null) return o;
            await Task.Delay(200);
        }
        throw new TimeoutException($"no outcome for {proposalId} within {Wait}: {string.Join("; ", executor.Outcomes.Select(x => x.ProposalId + " " + x.Reason))}");
    }

    private async Task<List<EventLog<DealRecordedEvent>>> RecordedAsync(ulong miner)
    {
        ulong head = (ulong)(await f.Endpoint.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        var logs = await f.Endpoint.GetLogsAsync<DealRecordedEvent>(f.Evm.Contract, 0, head);
        return logs.Where(l => l.Event.Provider == miner).ToList();
    }

    [Fact]
    public async Task BoostMonitor_PicksUpFetchesVerifiesAndPublishes_TheContractRecordsTheDeal()
    {
        var executor = new DealExecutor(f.Endpoint, f.Provider1, 1001);
        await using var boost = new BoostContractDealMonitor(f.Endpoint, executor, [f.Evm.Contract]);
        await boost.StartAsync();
        string url = f.Server.Serve("boost-good.car", f.Cars[0]);
        string id = await ProposeAsync(f.Provider1, 0, url);

        var outcome = await OutcomeAsync(executor, id);
        Assert.True(outcome.Published, outcome.Reason);
        Assert.Equal(f.Pieces[0].PieceCidV1.ToString(), outcome.PieceCid);
        var receipt = await f.Endpoint.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(outcome.PublishTransaction);
        var recorded = receipt.DecodeAllEvents<DealRecordedEvent>();
        Assert.Single(recorded);
        Assert.Equal(1001UL, recorded[0].Event.Provider);
        Assert.Equal(PeerFixture.Slot, recorded[0].Event.Slot);
        Assert.Equal(outcome.DealId, recorded[0].Event.DealId);
        Assert.Empty(boost.Errors);
    }

    [Fact]
    public async Task BoostMonitor_RefusesWrongSizeAndWrongCommP_AndPublishesNothing()
    {
        var executor = new DealExecutor(f.Endpoint, f.Provider2, 1002);
        await using var boost = new BoostContractDealMonitor(f.Endpoint, executor, [f.Evm.Contract]);
        await boost.StartAsync();

        var shorter = f.Cars[2][..^1];
        string badSize = await ProposeAsync(f.Provider2, 2, f.Server.Serve("short.car", shorter));
        var o1 = await OutcomeAsync(executor, badSize);
        Assert.False(o1.Published);
        Assert.Contains("deal size mismatch", o1.Reason);

        var other = PeerFixture.MakeCar(2900, seed: 99); // same size, other bytes: another commP
        Assert.Equal(f.Cars[2].Length, other.Length);
        string badCommP = await ProposeAsync(f.Provider2, 2, f.Server.Serve("other.car", other));
        var o2 = await OutcomeAsync(executor, badCommP);
        Assert.False(o2.Published);
        Assert.Contains("commP mismatch", o2.Reason);
        Assert.Contains(f.Pieces[2].PieceCidV1.ToString(), o2.Reason);

        Assert.Empty(await RecordedAsync(1002));
    }

    [Fact]
    public async Task MarketDriver_ActivateCommitsTheSectorOnTheMiner_TerminateEndsTheDeal()
    {
        var executor = new DealExecutor(f.Endpoint, f.Provider1, 1001);
        await using var boost = new BoostContractDealMonitor(f.Endpoint, executor, [f.Evm.Contract]);
        await boost.StartAsync();
        string id = await ProposeAsync(f.Provider1, 2, f.Server.Serve("driver.car", f.Cars[2]));
        var outcome = await OutcomeAsync(executor, id);
        Assert.True(outcome.Published, outcome.Reason);
        ulong deal = outcome.DealId!.Value;
        string miner = "0xff" + new string('0', 22) + 1001UL.ToString("x16");

        // with the estimated gas limit, activate's inner commitSector call would run out of gas and leave the sector dead
        await MarketDriver.ActivateAsync(f.Endpoint, f.Operator, deal, 1);
        Assert.Equal(1, await f.Endpoint.QueryAsync<SectorStatusFunction, byte>(miner, new SectorStatusFunction { Sector = deal }));

        var market = await f.Endpoint.QueryOutputAsync<MarketDealFunction, MarketDealOutput>(MarketActor.Address, new MarketDealFunction { DealId = deal });
        Assert.Equal((true, false, 1L), (market.Exists, market.Expired, market.Activated));
        await MarketDriver.TerminateAsync(f.Endpoint, f.Operator, deal);
        market = await f.Endpoint.QueryOutputAsync<MarketDealFunction, MarketDealOutput>(MarketActor.Address, new MarketDealFunction { DealId = deal });
        Assert.True(market.Expired);
    }

    [Fact]
    public async Task CurioMarket_AcceptsAnMk12DealOverHttp_ThenFetchesVerifiesAndPublishes()
    {
        var executor = new DealExecutor(f.Endpoint, f.Provider1, 1001);
        await using var curio = new CurioMarketPeer(f.Endpoint, executor);
        curio.Start();
        using var http = new HttpClient();

        // the client side (Submit-FilFilDeal -Backend Curio): proposeDeal, read the proposal, POST mk12 DealParams
        string url = f.Server.Serve("curio-good.car", f.Cars[1]);
        string id = await ProposeAsync(f.Provider1, 1, url);
        var deal = await DealParamsAsync(id, 1001);

        // a wrong content type is a 400 with no body
        using (var wrong = new ByteArrayContent(deal.ToCbor()))
        {
            wrong.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var r = await http.PostAsync(curio.StoreUrl, wrong);
            Assert.Equal(400, (int)r.StatusCode);
        }
        using (var garbage = new ByteArrayContent([0xa1, 0x01]))
        {
            garbage.Headers.ContentType = new MediaTypeHeaderValue("application/cbor");
            Assert.Equal(400, (int)(await http.PostAsync(curio.StoreUrl, garbage)).StatusCode);
        }
        // a proposal for another miner is answered 200 with Accepted = false
        var otherMiner = await DealParamsAsync(id, 1002);
        var (acceptedOther, messageOther) = await PostAsync(http, curio, otherMiner);
        Assert.False(acceptedOther);
        Assert.Contains("incorrect provider", messageOther);

        var (accepted, message) = await PostAsync(http, curio, deal);
        Assert.True(accepted, message);
        var outcome = await OutcomeAsync(executor, deal.DealUuid.ToString());
        Assert.True(outcome.Published, outcome.Reason);
        var receipt = await f.Endpoint.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(outcome.PublishTransaction);
        Assert.Equal(1001UL, Assert.Single(receipt.DecodeAllEvents<DealRecordedEvent>()).Event.Provider);
    }

    [Fact]
    public async Task CurioMarket_RefusesAWrongCommPAfterAccepting_AndPublishesNothing()
    {
        var executor = new DealExecutor(f.Endpoint, f.Provider2, 1002);
        await using var curio = new CurioMarketPeer(f.Endpoint, executor);
        curio.Start();
        using var http = new HttpClient();
        string id = await ProposeAsync(f.Provider2, 3, f.Server.Serve("curio-other.car", PeerFixture.MakeCar(2900, seed: 98)));
        var deal = await DealParamsAsync(id, 1002);
        var (accepted, message) = await PostAsync(http, curio, deal);
        Assert.True(accepted, message);
        var outcome = await OutcomeAsync(executor, deal.DealUuid.ToString());
        Assert.False(outcome.Published);
        Assert.Contains("commP mismatch", outcome.Reason);
        Assert.Empty(await RecordedAsync(1002));
    }

    private async Task<MarketDealParams> DealParamsAsync(string proposalId, ulong miner)
    {
        byte[] id = Convert.FromHexString(proposalId[2..]);
        var raw = await f.Endpoint.QueryAsync<GetDealProposalFunction, byte[]>(f.Evm.Contract, new GetDealProposalFunction { ProposalId = id });
        var extra = ContractParamsV1.Parse(await f.Endpoint.QueryAsync<GetExtraParamsFunction, byte[]>(f.Evm.Contract, new GetExtraParamsFunction { ProposalId = id }));
        var proposal = DealProposal.Parse(raw).WithProvider(FilecoinAddress.FromId(miner));
        return new MarketDealParams(Guid.NewGuid(), false, proposal, [0x02, 0xde, 0xad], Cid.Parse(proposal.Label), "http",
            $"{{\"URL\":\"{extra.LocationRef}\"}}", extra.CarSize, extra.RemoveUnsealedCopy, extra.SkipIpniAnnounce);
    }

    private static async Task<(bool, string)> PostAsync(HttpClient http, CurioMarketPeer curio, MarketDealParams deal)
    {
        using var content = new ByteArrayContent(deal.ToCbor());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cbor");
        var r = await http.PostAsync(curio.StoreUrl, content);
        Assert.Equal(200, (int)r.StatusCode);
        Assert.Equal("application/cbor", r.Content.Headers.ContentType?.MediaType);
        var body = await r.Content.ReadAsByteArrayAsync();
        var reader = new CborReader(body);
        int n = reader.ReadMapHeader();
        bool accepted = false;
        string message = "";
        for (int i = 0; i < n; i++)
        {
            switch (reader.ReadText())
            {
                case "Accepted": accepted = reader.ReadBool(); break;
                case "Message": message = reader.ReadText(); break;
                default: reader.SkipItem(); break;
            }
        }
        return (accepted, message);
    }
}
