using System.Collections.Concurrent;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Piece;
using FilFil.DealClient.Ethereum;
using Nethereum.Contracts;
using Nethereum.Web3.Accounts;

namespace FilFil.TestPeers;

/// <summary>What a peer did with one deal: published (with the market's deal id) or refused (with Boost's/Curio's reason).</summary>
public sealed record DealOutcome(string Source, string ProposalId, string PieceCid, bool Published, ulong? DealId, string? Reason, string? PublishTransaction);

/// <summary>
/// The storage provider's side of one online deal, as Boost's deal execution (storagemarket/deal_execution.go) and
/// Curio's mk12 pipeline run it: HEAD the transfer URL and require Content-Length == the transfer size
/// (transport/httptransport "deal size mismatch"), download the bytes, check they open as a CAR (carv2.OpenReader),
/// recompute commP and require it to equal the proposal's piece CID and piece size (deal_commp.go), then publish
/// through the market: here the f05 stand-in's publishStorageDeals (AuthenticateMessage, then MarketNotifyDeal),
/// sent from the provider's publishing account.
/// </summary>
public sealed class DealExecutor
{
    /// <summary>Largest CAR a test peer downloads (the snapshots of tests are small).</summary>
    public const long MaxDownload = 256L << 20;

    private readonly EthereumEndpoint _endpoint;
    private readonly Account _publisher;
    private readonly HttpClient _http;

    public DealExecutor(EthereumEndpoint endpoint, Account publisher, ulong minerId, HttpClient? http = null)
    {
        _endpoint = endpoint;
        _publisher = publisher;
        MinerId = minerId;
        _http = http ?? new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(2) };
    }

    public ulong MinerId { get; }

    public FilecoinAddress Miner => FilecoinAddress.FromId(MinerId);

    /// <summary>Every deal this provider handled, in order.</summary>
    public ConcurrentQueue<DealOutcome> Outcomes { get; } = new();

    /// <summary>Raised after each outcome is recorded.</summary>
    public event Action<DealOutcome>? OutcomeRecorded;

    /// <summary>The client's "signature" check for an f4 client: AuthenticateMessage simulated as f05 would call it (read-only).</summary>
    public async Task<bool> AuthenticateAsync(string clientContract, DealProposal proposal, CancellationToken ct) =>
        await _endpoint.QueryAsync<AuthenticateFunction, bool>(MarketActor.Address,
            new AuthenticateFunction { Client = clientContract, Proposal = proposal.ToCbor() }, ct).ConfigureAwait(false);

    /// <summary>Transfers, verifies and publishes one deal; records and returns the outcome.</summary>
    public async Task<DealOutcome> ExecuteAsync(string source, string proposalId, string clientContract, DealProposal proposal,
        string url, ulong transferSize, CancellationToken ct)
    {
        string piece = proposal.PieceCid.ToString();
        DealOutcome Refuse(string reason) => Record(new DealOutcome(source, proposalId, piece, false, null, reason, null));
        try
        {
            using (var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url), ct).ConfigureAwait(false))
            {
                if (!head.IsSuccessStatusCode) return Refuse($"HEAD {url}: {(int)head.StatusCode}");
                long? length = head.Content.Headers.ContentLength;
                if (length != (long)transferSize)
                    return Refuse($"deal size mismatch: expected {transferSize} bytes, got {length?.ToString() ?? "no"} Content-Length");
            }
            if (transferSize > MaxDownload) return Refuse($"transfer of {transferSize} bytes is over the test peer's {MaxDownload} limit");
            byte[] car;
            using (var get = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false))
            {
                if (!get.IsSuccessStatusCode) return Refuse($"GET {url}: {(int)get.StatusCode}");
                car = await get.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            }
            if ((ulong)car.Length != transferSize) return Refuse($"deal size mismatch: downloaded {car.Length} bytes, expected {transferSize}");
            if (!LooksLikeCar(car)) return Refuse("the data does not open as a CAR");
            var commP = PieceCommitment.Compute(car);
            if (commP.PieceCidV1 != proposal.PieceCid)
                return Refuse($"commP mismatch: the data has {commP.PieceCidV1}, the proposal {proposal.PieceCid}");
            if (commP.PaddedSize != proposal.PieceSize)
                return Refuse($"piece size mismatch: the data pads to {commP.PaddedSize}, the proposal says {proposal.PieceSize}");
            var publish = new PublishStorageDealsFunction { Client = clientContract, Proposals = [proposal.ToCbor()] };
            string hash = await _endpoint.SendAsync(_publisher, MarketActor.Address, publish, ct).ConfigureAwait(false);
            var receipt = await _endpoint.WaitForReceiptAsync(hash, null, ct).ConfigureAwait(false);
            if (receipt.Status?.Value != 1) return Record(new DealOutcome(source, proposalId, piece, false, null, "PublishStorageDeals failed on chain", hash));
            var published = receipt.DecodeAllEvents<PublishedEvent>();
            ulong? dealId = published.Count > 0 ? published[0].Event.DealId : null;
            return Record(new DealOutcome(source, proposalId, piece, true, dealId, null, hash));
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            return Refuse($"{e.GetType().Name}: {e.Message}");
        }
    }

    internal DealOutcome Record(DealOutcome o)
    {
        Outcomes.Enqueue(o);
        OutcomeRecorded?.Invoke(o);
        return o;
    }

    /// <summary>CARv1 header: a varint length, then a DAG-CBOR map with "version" (1) and "roots".</summary>
    private static bool LooksLikeCar(byte[] data)
    {
        try
        {
            int n = 0;
            ulong len = FilFil.Core.Encoding.Varint.Read(data, ref n);
            if (len == 0 || (ulong)n + len > (ulong)data.Length) return false;
            var r = new CborReader(data.AsSpan(n, (int)len), n, "CAR header");
            int entries = r.ReadMapHeader();
            bool version = false;
            for (int i = 0; i < entries; i++)
            {
                string key = r.ReadText();
                if (key == "version") version = r.ReadUInt64() is 1 or 2;
                else r.SkipItem();
            }
            return version;
        }
        catch (FilFil.Core.FilFilFormatException) { return false; }
        catch (ArgumentException) { return false; }
    }
}
