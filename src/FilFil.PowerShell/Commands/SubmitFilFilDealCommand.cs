using System.Globalization;
using System.Management.Automation;
using FilFil.Core.Snapshot;
using FilFil.DealClient.Curio;
using FilFil.DealClient.Deals;
using FilFil.DealClient.Messages;
using FilFil.PowerShell.DealClient;
using Nethereum.Contracts;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Submit-FilFilDeal (fil-fil store): in the provider's open window, proposes a deal for each piece of the slot that
/// has none yet (or -PieceIndex), with the URL where this session's FilFil server serves <c>/piece/{cid}</c> and the
/// exact CAR size. Before anything is sent it checks that the window is open, that the local snapshot at the slot's
/// height has the published piece CID (a mismatch names both) and a file of the published size, and that the URL
/// answers HEAD with that Content-Length. -Backend Boost: proposeDeal only (Boost's contract deal monitor picks up
/// the DealProposalCreate log). -Backend Curio: proposeDeal, then the contract's getDealProposal/getExtraParams are
/// submitted to the provider's Curio market (POST /market/mk12/store). -ProposalId or -TransactionHash: no
/// transaction, only the Curio submission of proposals already made (an -Unsigned proposeDeal that a multisig sent).
/// </summary>
[Cmdlet(VerbsLifecycle.Submit, "FilFilDeal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = WindowSet)]
[OutputType(typeof(DealSubmission), typeof(UnsignedTransaction))]
public sealed class SubmitFilFilDealCommand : DealClientTransactionCmdlet
{
    private const string WindowSet = "Window", ProposalSet = "Proposal", TransactionSet = "Transaction";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The provider's miner: f01234, t01234 or 1234 (binds Miner or Provider from the pipeline). Default: the config file's miner.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = WindowSet)]
    [Alias("Provider", "MinerId")]
    [MinerIdTransformation]
    public ulong? Miner { get; set; }

    /// <summary>The slot (snapshot height); binds Slot or Height from the pipeline. Default: the provider's latest window.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = WindowSet)]
    [Alias("Height")]
    public ulong? Slot { get; set; }

    /// <summary>The pieces to propose. Default: every piece of the slot without a deal in this window.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = WindowSet)]
    public uint[]? PieceIndex { get; set; }

    /// <summary>
    /// Proposals already made (0x and 64 hex digits: the id of ProposalCreated / DealProposalCreate): submit each to
    /// the provider's Curio market without sending a transaction, e.g. after an -Unsigned proposeDeal was sent by a multisig.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ProposalSet)]
    [ValidatePattern("^0x[0-9a-fA-F]{64}$")]
    public string[]? ProposalId { get; set; }

    /// <summary>A mined proposeDeal transaction (0x and 64 hex digits): submit the proposals it created to the Curio market, sending nothing.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TransactionSet)]
    [ValidatePattern("^0x[0-9a-fA-F]{64}$")]
    public string? TransactionHash { get; set; }

    /// <summary>Boost (proposeDeal only) or Curio (also submits to its MK12 market). Default: the config's dealBackend, else Boost.</summary>
    [Parameter]
    [ValidateSet("Boost", "Curio", IgnoreCase = true)]
    public string? Backend { get; set; }

    /// <summary>The provider's Curio HTTP server (https://domain), for -Backend Curio. Default: the config's dealEndpoint (FILFIL_DEAL_ENDPOINT).</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? DealEndpoint { get; set; }

    /// <summary>Base URL of the FilFil server the provider fetches from (…/piece/{cid} is appended). Default: this session's Start-FilFilServer prefix.</summary>
    [Parameter(ParameterSetName = WindowSet)]
    [ValidateNotNull]
    public Uri? Url { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName != WindowSet)
        {
            SubmitExisting();
            return;
        }
        ulong miner;
        try { miner = DealCmdlets.Miners(Miner is { } m ? [m] : null, Settings).First(); }
        catch (PSArgumentException e) { WriteError(e, null); return; }
        string target = "f0" + miner.ToString(CultureInfo.InvariantCulture);
        Prepared? prepared = null;
        try { prepared = Prepare(miner, target); }
        catch (Refusal r) { WriteError(r.InnerException!, r.Target, r.Problem); }
        catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
        {
            var inner = ErrorMapping.Unwrap(e);
            if (inner is OperationCanceledException && Stopping) throw new PipelineStoppedException();
            WriteError(inner, target);
        }
        if (prepared is null) return;
        foreach (var (piece, url) in prepared.Pieces)
            TryRun($"{target} slot {prepared.Window.Slot} piece {piece.Index}", () => Propose(prepared, piece, url));
    }

    private sealed record Prepared(ProviderWindow Window, string Backend, Uri? CurioEndpoint, List<(StagedPiece Piece, string Url)> Pieces);

    /// <summary>A refusal before anything is sent, with its own ErrorId.</summary>
    private sealed class Refusal(Exception inner, object target, string problem) : Exception(inner.Message, inner)
    {
        public object Target { get; } = target;
        public string Problem { get; } = problem;
    }

    /// <summary>Everything checked before the first transaction: backend, window, pieces, local files, URLs.</summary>
    private Prepared? Prepare(ulong miner, string target)
    {
        string backend = Backend ?? Settings.DealBackend ?? "Boost";
        backend = backend.Equals("curio", StringComparison.OrdinalIgnoreCase) ? "Curio"
            : backend.Equals("boost", StringComparison.OrdinalIgnoreCase) ? "Boost"
            : throw DealCmdlets.ParameterError($"the deal backend \"{backend}\" (config dealBackend) is not Boost or Curio", "Backend");
        Uri? curio = backend == "Curio" ? CurioEndpoint("-Backend Curio") : null;

        var contract = ContractAddress;
        var w = Call(new ProviderInfoFunction(), ct => WindowReader.GetWindowAsync(Endpoint, contract, miner, Slot, ct));
        if (w.State != WindowState.Open)
        {
            string? when = w.State switch
            {
                WindowState.Upcoming => $"is upcoming: it opens at epoch {w.FirstEpoch}, {w.EpochsUntilOpen} epochs after head {w.HeadEpoch} (use Wait-FilFilWindow)",
                WindowState.Closed => $"is closed ({w.AssignmentStatusName}, epochs {w.FirstEpoch}-{w.LastEpoch}, head {w.HeadEpoch})",
                _ => null,
            };
            // a None window (also piped from Get-FilFilWindow, with Slot 0) names the miner and what it was asked for, not "slot 0"
            string message = when is not null
                ? $"the window of {target} on slot {w.Slot} {when}"
                : Slot is { } s and not 0
                    ? $"{target} has no window on slot {s} (the snapshot at height {s}): the contract did not assign it one there (Get-FilFilSlot -Height {s} shows who it did)"
                    : $"{target} has no window assigned: the contract never gave it one up to head {w.HeadEpoch} (windows are assigned to registered providers when a snapshot is published; see Get-FilFilProvider -Miner {target})";
            throw new Refusal(new InvalidOperationException($"{message}; proposeDeal would revert, nothing was sent"), target, "WindowNotOpen");
        }

        List<StagedPiece> pieces;
        if (PieceIndex is { Length: > 0 } wanted)
        {
            pieces = [];
            foreach (uint i in wanted.Distinct())
                pieces.Add(w.Pieces.FirstOrDefault(p => p.Index == i) ?? throw new Refusal(DealCmdlets.ParameterError(
                    $"slot {w.Slot} has {w.Pieces.Count} piece(s); there is no piece {i}", "PieceIndex"), target, "UnknownPiece"));
        }
        else
        {
            pieces = w.Pieces.Where(p => p.DealId < 0).ToList();
            if (pieces.Count == 0)
            {
                WriteWarning($"every piece of slot {w.Slot} already has a deal in the window of {target}; nothing to propose");
                return null;
            }
        }

        // the local snapshot must be the published one, piece by piece, before anything is proposed
        var records = new SnapshotCatalog().List();
        foreach (var p in pieces)
        {
            try { LocalPieces.Find(records, w.Slot, p); }
            catch (LocalPieceMismatchException e) { throw new Refusal(e, p.PieceCid, "PieceCidMismatch"); }
        }

        var server = PieceServer();
        var urls = new List<(StagedPiece, string)>();
        foreach (var p in pieces)
        {
            string url = ProposeDealArguments.PieceUrl(server, p.PieceCid);
            ProposeDealArguments.CheckLocation(url);
            CheckServed(url, p);
            urls.Add((p, url));
        }
        return new Prepared(w, backend, curio, urls);
    }

    /// <summary>-DealEndpoint, else the config's dealEndpoint; checked here, before any transaction.</summary>
    private Uri CurioEndpoint(string why)
    {
        var curio = DealEndpoint ?? (Settings.DealEndpoint is { } de ? new Uri(de) : null)
            ?? throw DealCmdlets.ParameterError($"{why} needs the provider's Curio market: give -DealEndpoint https://your-curio-domain, " +
                "set FILFIL_DEAL_ENDPOINT, or store it with Set-FilFilConfig -DealEndpoint", "DealEndpoint");
        CurioMarketClient.StoreUrl(curio); // a bad URL fails here, not after the transaction
        return curio;
    }

    /// <summary>
    /// -ProposalId / -TransactionHash: the proposals exist on chain; each is read back (proposalInfo, getDealProposal,
    /// getExtraParams) and posted to the Curio market, with no transaction. Boost needs no such step.
    /// </summary>
    private void SubmitExisting()
    {
        Uri curio;
        List<byte[]> ids;
        try
        {
            if (Unsigned)
                throw DealCmdlets.ParameterError("-ProposalId and -TransactionHash send no transaction: there is nothing for -Unsigned to write", "Unsigned");
            if (Backend is { } b && !b.Equals("curio", StringComparison.OrdinalIgnoreCase))
                throw DealCmdlets.ParameterError(
                    "-ProposalId and -TransactionHash submit proposals to a Curio market; Boost needs no submission (it reads DealProposalCreate from the chain)", "Backend");
            curio = CurioEndpoint("-ProposalId and -TransactionHash");
            ids = ProposalId is { } given ? given.Select(h => Convert.FromHexString(h.AsSpan(2))).ToList() : ProposalsOf(TransactionHash!);
        }
        catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
        {
            WriteError(ErrorMapping.Unwrap(e), (object?)TransactionHash ?? ProposalId);
            return;
        }
        foreach (var id in ids)
        {
            string hex = ProposalHex(id);
            TryRun(hex, () =>
            {
                var p = QueryOutput<ProposalInfoFunction, ProposalInfoOutput>(new ProposalInfoFunction { Id = id }).Proposal;
                if (p.Provider == 0)
                    throw new ItemNotFoundException($"the contract at {ContractAddress} has no proposal {hex}: check the id (the ProposalCreated event of the proposeDeal transaction)");
                string miner = "f0" + p.Provider.ToString(CultureInfo.InvariantCulture);
                if (!ShouldProcess($"proposal {hex} (slot {p.Slot} piece {p.PieceIndex}) for {miner}", $"Submit to the Curio market at {curio}")) return;
                var (uuid, answer, proposal) = PostToCurio(curio, id, p.Provider);
                WriteResult(new DealSubmission
                {
                    Miner = miner, Slot = p.Slot, PieceIndex = p.PieceIndex, PieceCid = proposal.PieceCid, Url = p.LocationRef,
                    CarSize = p.CarSize, Backend = "Curio", ProposalId = hex, StartEpoch = p.Start, EndEpoch = p.End,
                    Transaction = null, DealUuid = uuid, Accepted = answer.Accepted, Message = answer.Message,
                }, curio);
            });
        }
    }

    /// <summary>The proposals a mined proposeDeal transaction created (its ProposalCreated events from this contract).</summary>
    private List<byte[]> ProposalsOf(string hash)
    {
        var receipt = Await(ct => Endpoint.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash).WaitAsync(ct))
            ?? throw new ItemNotFoundException($"transaction {hash} is not mined (or unknown to {Endpoint.Url}): submit it to Curio once it is mined");
        var contract = ContractAddress;
        var ids = receipt.DecodeAllEvents<ProposalCreatedEvent>()
            .Where(e => string.Equals(e.Log.Address, contract, StringComparison.OrdinalIgnoreCase))
            .Select(e => e.Event.Id).ToList();
        if (receipt.Status?.Value != 1 || ids.Count == 0)
            throw new InvalidOperationException(receipt.Status?.Value != 1
                ? $"transaction {hash} failed (status 0): it created no proposal"
                : $"transaction {hash} created no proposal on {contract}: is it a proposeDeal to this contract?");
        return ids;
    }

    private static string ProposalHex(byte[] id) => "0x" + Convert.ToHexString(id).ToLowerInvariant();

    /// <summary>Reads the contract's proposal and extra params and posts them to Curio as an MK12 deal for <paramref name="miner"/>.</summary>
    private (Guid Uuid, Mk12DealResponse Answer, ContractDealProposal Proposal) PostToCurio(Uri endpoint, byte[] proposalId, ulong miner)
    {
        var proposal = ContractDealProposal.Parse(Query<GetDealProposalFunction, byte[]>(new GetDealProposalFunction { ProposalId = proposalId }));
        var extra = ContractExtraParams.Parse(Query<GetExtraParamsFunction, byte[]>(new GetExtraParamsFunction { ProposalId = proposalId }));
        var uuid = Guid.NewGuid();
        var body = Mk12DealParams.Encode(uuid, proposal, extra, miner);
        using var client = new CurioMarketClient();
        var answer = Await(ct => client.SubmitAsync(endpoint, body, ct));
        Log.Information("Curio at {Endpoint} answered deal {Uuid} for proposal {Proposal}: accepted {Accepted} {Message}",
            endpoint, uuid, ProposalHex(proposalId), answer.Accepted, answer.Message);
        return (uuid, answer, proposal);
    }

    /// <summary>Writes the submission; a Curio rejection is also an error about it.</summary>
    private void WriteResult(DealSubmission result, Uri? curio)
    {
        WriteObject(result);
        if (result.Accepted == false)
            WriteError(new CurioMarketException($"the Curio market at {curio} rejected the deal for slot {result.Slot} piece {result.PieceIndex} (proposal {result.ProposalId}): {result.Message}")
            { StatusCode = 200, Rejected = true }, result, "CurioRejected");
    }

    /// <summary>-Url, else the running server's prefix (a wildcard host needs -Url: providers need a name they can reach).</summary>
    private Uri PieceServer()
    {
        if (Url != null) return Url;
        var server = FilFilSession.Current.Server;
        if (server is not { IsListening: true })
            throw new Refusal(new ItemNotFoundException(
                "no FilFil server is running in this session to serve the pieces: start one with Start-FilFilServer -Prefix http://<host>:<port>/, or give -Url with the base URL providers fetch from"),
                "Url", "NoPieceServer");
        string prefix = server.Prefix;
        if (prefix.Contains("://+", StringComparison.Ordinal) || prefix.Contains("://*", StringComparison.Ordinal))
            throw new Refusal(DealCmdlets.ParameterError(
                $"the server listens on {prefix} (any host): give -Url with the host name the provider reaches it by, e.g. -Url http://snapshots.example.org:8080/", "Url"),
                "Url", "NoPieceServer");
        return new Uri(prefix);
    }

    /// <summary>HEAD the URL as Boost and Curio will: 200 and Content-Length equal to the published CAR size.</summary>
    private void CheckServed(string url, StagedPiece p)
    {
        HttpResponseMessage resp;
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Head, url);
            resp = Await(ct => Http.SendAsync(req, ct));
        }
        catch (HttpRequestException e)
        {
            throw new Refusal(new HttpRequestException($"{url} could not be reached to check the piece before proposing: {e.Message}", e), url, "PieceNotServed");
        }
        using (resp)
        {
            long? length = resp.Content.Headers.ContentLength;
            if ((int)resp.StatusCode != 200 || length != (long)p.CarSize)
                throw new Refusal(new InvalidOperationException(
                    $"{url} answers {(int)resp.StatusCode} with Content-Length {length?.ToString(CultureInfo.InvariantCulture) ?? "none"}, but the provider will need 200 and the published CAR size {p.CarSize}; nothing was proposed"),
                    url, "PieceNotServed");
        }
    }

    private void Propose(Prepared prep, StagedPiece piece, string url)
    {
        var w = prep.Window;
        string miner = "f0" + w.Miner.ToString(CultureInfo.InvariantCulture);
        var fn = ProposeDealArguments.Create(w, piece, url, piece.CarSize);
        var tx = SendTransaction(fn, $"slot {w.Slot} piece {piece.Index} ({piece.PieceCid}) for {miner}",
            $"proposeDeal ({prep.Backend}) with {url}, {piece.CarSize} bytes", Event<ProposalCreatedEvent>());
        if (tx is null)
        {
            if (Unsigned && prep.Backend == "Curio")
                WriteWarning("with -Unsigned nothing is submitted to Curio: once the transaction is mined, submit its proposal with " +
                    $"Submit-FilFilDeal -TransactionHash <its hash> -Backend Curio -DealEndpoint {prep.CurioEndpoint}");
            return;
        }
        var created = tx.Events.OfType<ProposalCreatedEvent>().Single();
        string proposalId = ProposalHex(created.Id);
        Guid? uuid = null;
        Mk12DealResponse? answer = null;
        if (prep.Backend == "Curio")
            (uuid, answer, _) = PostToCurio(prep.CurioEndpoint!, created.Id, w.Miner);
        var result = new DealSubmission
        {
            Miner = miner, Slot = w.Slot, PieceIndex = piece.Index, PieceCid = piece.PieceCid, Url = url, CarSize = piece.CarSize,
            Backend = prep.Backend, ProposalId = proposalId, StartEpoch = created.StartEpoch, EndEpoch = created.EndEpoch,
            Transaction = tx, DealUuid = uuid, Accepted = answer?.Accepted, Message = answer?.Message,
        };
        WriteResult(result, prep.CurioEndpoint);
    }
}
