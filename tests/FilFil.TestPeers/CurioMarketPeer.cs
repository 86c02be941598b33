using System.Net;
using System.Text.Json;
using FilFil.Core;
using FilFil.Core.Ipld;
using FilFil.Core.Serving;
using FilFil.DealClient.Ethereum;

namespace FilFil.TestPeers;

/// <summary>
/// A Curio market's mk12 HTTP deal endpoint (filecoin-project/curio market/mk12/http/http.go, mounted at
/// /market/mk12 by market/http): <c>POST /market/mk12/store</c> with <c>Content-Type: application/cbor</c> and a
/// cbor-gen map-encoded mk12.DealParams (DealUUID, IsOffline, ClientDealProposal, DealDataRoot, Transfer,
/// RemoveUnsealedCopy, SkipIPNIAnnounce; body at most 4 MiB). Another content type or undecodable CBOR answers 400
/// with no body; a decoded proposal always answers 200 with a map-encoded DealResponse {Accepted, Message}. Checks
/// before accepting: the provider is this miner, the transfer is an online "http" one, the f4 client authenticates
/// the proposal (AuthenticateMessage, as mk12_utils.go's signature check), the start epoch has not passed. An
/// accepted deal is then transferred, verified and published like a Boost deal (<see cref="DealExecutor"/>).
/// </summary>
public sealed class CurioMarketPeer : IAsyncDisposable
{
    public const string StorePath = "/market/mk12/store";
    public const int MaxBody = 4 << 20;

    private HttpListener? _listener;
    private readonly EthereumEndpoint _endpoint;
    private readonly DealExecutor _executor;
    private readonly List<Task> _work = new();
    private readonly CancellationTokenSource _cts = new();
    private Task? _loop;

    public CurioMarketPeer(EthereumEndpoint endpoint, DealExecutor executor)
    {
        _endpoint = endpoint;
        _executor = executor;
    }

    public DealExecutor Executor => _executor;

    /// <summary>Base URL of the market (http://127.0.0.1:port); deals go to <see cref="StoreUrl"/>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public Uri StoreUrl => new(BaseUrl, StorePath);

    public void Start()
    {
        _listener = HttpListenerLifetime.StartOnFreePort(p => $"http://127.0.0.1:{p}/", out int port);
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        _loop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener!.GetContextAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => HandleAsync(ctx));
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        var req = ctx.Request;
        var resp = ctx.Response;
        try
        {
            if (req.Url?.AbsolutePath != StorePath) { resp.StatusCode = 404; return; }
            if (req.HttpMethod != "POST") { resp.StatusCode = 405; return; }
            if (req.ContentType != "application/cbor") { resp.StatusCode = 400; return; }
            var body = new MemoryStream();
            var buf = new byte[81920];
            int n;
            while ((n = await req.InputStream.ReadAsync(buf, _cts.Token).ConfigureAwait(false)) > 0)
            {
                body.Write(buf, 0, n);
                if (body.Length > MaxBody) { resp.StatusCode = 400; return; } // http.MaxBytesReader: the unmarshal fails
            }
            MarketDealParams deal;
            try { deal = MarketDealParams.Parse(body.ToArray()); }
            catch (Exception e) when (e is FilFilFormatException or FormatException or ArgumentException) { resp.StatusCode = 400; return; }
            var (accepted, reason) = await ValidateAsync(deal, _cts.Token).ConfigureAwait(false);
            var w = new CborWriter(64);
            // cbor-gen map encoding, keys in canonical order (shorter first): Message, Accepted
            w.WriteMap(2).WriteText("Message").WriteText(reason).WriteText("Accepted").WriteBool(accepted);
            var bytes = w.ToArray();
            resp.StatusCode = 200;
            resp.ContentType = "application/cbor";
            resp.ContentLength64 = bytes.Length;
            await resp.OutputStream.WriteAsync(bytes, _cts.Token).ConfigureAwait(false);
            if (!accepted)
            {
                _executor.Record(new DealOutcome("Curio", deal.DealUuid.ToString(), deal.Proposal.PieceCid.ToString(), false, null, reason, null));
                return;
            }
            var t = Task.Run(() => _executor.ExecuteAsync("Curio", deal.DealUuid.ToString(), deal.ClientContract, deal.Proposal, deal.Url!, deal.TransferSize, _cts.Token));
            lock (_work) _work.Add(t);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            try { resp.Close(); } catch (ObjectDisposedException) { }
        }
    }

    private async Task<(bool, string)> ValidateAsync(MarketDealParams deal, CancellationToken ct)
    {
        var p = deal.Proposal;
        if (p.Provider != _executor.Miner) return (false, $"incorrect provider for deal; proposal.Provider: {p.Provider}; provider.Address: {_executor.Miner}");
        if (deal.IsOffline) return (false, "this test market takes online deals only");
        if (deal.TransferType != "http") return (false, $"transfer type {deal.TransferType} not supported");
        if (deal.Url is null || !Uri.TryCreate(deal.Url, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
            return (false, $"failed to parse transfer params: no http URL in {deal.TransferParams}");
        if (p.Client.Protocol != 4) return (false, "this test market takes deals of f4 (contract) clients only");
        if (!await _executor.AuthenticateAsync(deal.ClientContract, p, ct).ConfigureAwait(false))
            return (false, "failed to validate deal proposal: invalid signature: the client contract does not authenticate it");
        ulong now = (ulong)(await _endpoint.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(ct).ConfigureAwait(false)).Value;
        if (p.StartEpoch <= (long)now) return (false, $"deal start epoch {p.StartEpoch} has already elapsed");
        return (true, "");
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        if (_listener is not null) HttpListenerLifetime.Stop(_listener);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        Task[] work;
        lock (_work) work = _work.ToArray();
        try { await Task.WhenAll(work).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
        catch (Exception) { }
    }
}

/// <summary>mk12.DealParams as Curio decodes it (map keys in any order; unknown keys skipped as cbor-gen does).</summary>
public sealed record MarketDealParams(Guid DealUuid, bool IsOffline, DealProposal Proposal, byte[] ClientSignature, Cid DealDataRoot,
    string TransferType, string TransferParams, ulong TransferSize, bool RemoveUnsealedCopy, bool SkipIpniAnnounce)
{
    /// <summary>The transfer's URL ({"URL": ...} in Params), or null.</summary>
    public string? Url
    {
        get
        {
            try
            {
                using var doc = JsonDocument.Parse(TransferParams);
                return doc.RootElement.TryGetProperty("URL", out var url) ? url.GetString() : null;
            }
            catch (JsonException) { return null; }
        }
    }

    /// <summary>The 0x address of the f410 client (the deal-client contract).</summary>
    public string ClientContract => "0x" + Convert.ToHexString(Proposal.Client.ToEthereum()).ToLowerInvariant();

    public static MarketDealParams Parse(ReadOnlySpan<byte> cbor)
    {
        var r = new CborReader(cbor, 0, "DealParams");
        int n = r.ReadMapHeader();
        Guid? uuid = null;
        bool offline = false, removeUnsealed = false, skipIpni = false;
        DealProposal? proposal = null;
        byte[] signature = [];
        Cid? root = null;
        string type = "", parameters = "";
        ulong size = 0;
        for (int i = 0; i < n; i++)
        {
            switch (r.ReadText())
            {
                case "DealUUID":
                    var b = r.ReadBytes();
                    if (b.Length != 16) throw new FormatException("expected array to have 16 elements");
                    uuid = new Guid(b, bigEndian: true);
                    break;
                case "IsOffline": offline = r.ReadBool(); break;
                case "RemoveUnsealedCopy": removeUnsealed = r.ReadBool(); break;
                case "SkipIPNIAnnounce": skipIpni = r.ReadBool(); break;
                case "DealDataRoot": root = r.ReadCid(); break;
                case "ClientDealProposal":
                    r.ReadArrayHeader(2, "ClientDealProposal");
                    int start = r.Position;
                    r.SkipItem();
                    proposal = DealProposal.Parse(cbor[start..r.Position]);
                    signature = r.ReadBytes().ToArray();
                    break;
                case "Transfer":
                    int m = r.ReadMapHeader();
                    for (int j = 0; j < m; j++)
                    {
                        switch (r.ReadText())
                        {
                            case "Type": type = r.ReadText(); break;
                            case "ClientID": r.ReadText(); break;
                            case "Params": parameters = System.Text.Encoding.UTF8.GetString(r.ReadBytes()); break;
                            case "Size": size = r.ReadUInt64(); break;
                            default: r.SkipItem(); break;
                        }
                    }
                    break;
                default: r.SkipItem(); break;
            }
        }
        r.ExpectEnd();
        if (uuid is null || proposal is null || root is null) throw new FormatException("DealParams lacks DealUUID, ClientDealProposal or DealDataRoot");
        return new MarketDealParams(uuid.Value, offline, proposal, signature, root.Value, type, parameters, size, removeUnsealed, skipIpni);
    }

    /// <summary>Encodes as cbor-gen does (map keys in canonical order), for tests acting as the client.</summary>
    public byte[] ToCbor()
    {
        var w = new CborWriter(1024);
        w.WriteMap(7);
        w.WriteText("DealUUID").WriteBytes(DealUuid.ToByteArray(bigEndian: true));
        w.WriteText("Transfer").WriteMap(4)
            .WriteText("Size").WriteUInt(TransferSize)
            .WriteText("Type").WriteText(TransferType)
            .WriteText("Params").WriteBytes(System.Text.Encoding.UTF8.GetBytes(TransferParams))
            .WriteText("ClientID").WriteText("");
        w.WriteText("IsOffline").WriteBool(IsOffline);
        w.WriteText("DealDataRoot").WriteCid(DealDataRoot);
        w.WriteText("SkipIPNIAnnounce").WriteBool(SkipIpniAnnounce);
        w.WriteText("ClientDealProposal").WriteArray(2);
        Proposal.WriteTo(w);
        w.WriteBytes(ClientSignature);
        w.WriteText("RemoveUnsealedCopy").WriteBool(RemoveUnsealedCopy);
        return w.ToArray();
    }
}
