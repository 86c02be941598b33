using System.Numerics;
using FilFil.DealClient.Ethereum;
using FilFil.DealClient.Messages;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RPC.Eth.DTOs;

namespace FilFil.TestPeers;

/// <summary>
/// Boost's contract deal monitor (filecoin-project/boost storagemarket/contract_deal_monitor.go) for one miner:
/// watches DealProposalCreate(bytes32,uint64,bool,uint256) logs of every contract (or only the allowlisted ones,
/// compared as lowercase hex as Lotus renders them), eth_calls getDealProposal(id) and getExtraParams(id), requires
/// the label to be a CID (DealDataRoot), puts its own miner as provider, checks the f4 client's AuthenticateMessage
/// (verifyContractSignature) and that the start epoch has not passed, then executes the deal (HEAD, download,
/// commP, PublishStorageDeals). Boost subscribes with eth_subscribe; this monitor polls eth_getLogs from the block it
/// started at (no backfill before it, as Boost), which works through the devnet's forwarding.
/// </summary>
public sealed class BoostContractDealMonitor : IAsyncDisposable
{
    private readonly EthereumEndpoint _endpoint;
    private readonly DealExecutor _executor;
    private readonly IReadOnlyCollection<string> _allowlist;
    private readonly CancellationTokenSource _cts = new();
    private Task? _loop;

    public BoostContractDealMonitor(EthereumEndpoint endpoint, DealExecutor executor, IEnumerable<string>? allowlistContracts = null)
    {
        _endpoint = endpoint;
        _executor = executor;
        _allowlist = (allowlistContracts ?? []).Select(a => a.ToLowerInvariant()).ToList();
    }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public DealExecutor Executor => _executor;

    /// <summary>Errors of the monitor loop itself (a deal's refusal is an outcome, not an error).</summary>
    public List<string> Errors { get; } = new();

    /// <summary>Starts watching from the current block.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        ulong from = (ulong)(await _endpoint.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(ct).ConfigureAwait(false)).Value;
        _loop = Task.Run(() => RunAsync(from, _cts.Token));
    }

    private async Task RunAsync(ulong from, CancellationToken ct)
    {
        var ev = _endpoint.Web3.Eth.GetEvent<DealProposalCreateEvent>(); // no address: every contract, as Boost
        while (!ct.IsCancellationRequested)
        {
            try
            {
                ulong head = (ulong)(await _endpoint.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(ct).ConfigureAwait(false)).Value;
                if (head >= from)
                {
                    ulong to = Math.Min(head, from + EthereumEndpoint.LotusLogRange - 1);
                    var filter = ev.CreateFilterInput(new BlockParameter(from), new BlockParameter(to));
                    var logs = await ev.GetAllChangesAsync(filter).WaitAsync(ct).ConfigureAwait(false);
                    foreach (var log in logs) await HandleAsync(log.Log.Address, log.Log.Topics[1].ToString()!, ct).ConfigureAwait(false);
                    from = to + 1;
                }
                await Task.Delay(PollInterval, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                lock (Errors) Errors.Add(e.Message);
                try { await Task.Delay(PollInterval, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task HandleAsync(string contract, string proposalId, CancellationToken ct)
    {
        contract = contract.ToLowerInvariant();
        if (_allowlist.Count != 0 && !_allowlist.Contains(contract))
        {
            _executor.Record(new DealOutcome("Boost", proposalId, "", false, null, $"allowlist does not contain this contract address: {contract}", null));
            return;
        }
        byte[] id = proposalId.HexToByteArray();
        var proposalBytes = await _endpoint.QueryAsync<GetDealProposalFunction, byte[]>(contract, new GetDealProposalFunction { ProposalId = id }, ct).ConfigureAwait(false);
        var paramsBytes = await _endpoint.QueryAsync<GetExtraParamsFunction, byte[]>(contract, new GetExtraParamsFunction { ProposalId = id }, ct).ConfigureAwait(false);
        DealProposal dpc;
        ContractParamsV1 pv1;
        try
        {
            dpc = DealProposal.Parse(proposalBytes);
            pv1 = ContractParamsV1.Parse(paramsBytes);
            if (!FilFil.Core.Ipld.Cid.TryParse(dpc.Label, out _)) throw new FormatException($"getting cid from label failed: {dpc.Label}");
        }
        catch (Exception e) when (e is FilFil.Core.FilFilFormatException or FormatException)
        {
            _executor.Record(new DealOutcome("Boost", proposalId, "", false, null, $"cbor unmarshal failed: {e.Message}", null));
            return;
        }
        var proposal = dpc.WithProvider(_executor.Miner);
        string piece = proposal.PieceCid.ToString();
        if (!await _executor.AuthenticateAsync(contract, proposal, ct).ConfigureAwait(false))
        {
            _executor.Record(new DealOutcome("Boost", proposalId, piece, false, null, "the client contract does not authenticate the proposal (AuthenticateMessage)", null));
            return;
        }
        ulong now = (ulong)(await _endpoint.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(ct).ConfigureAwait(false)).Value;
        if (proposal.StartEpoch < (long)now)
        {
            _executor.Record(new DealOutcome("Boost", proposalId, piece, false, null, $"deal proposal must be proposed on chain before its start epoch {proposal.StartEpoch}", null));
            return;
        }
        await _executor.ExecuteAsync("Boost", proposalId, contract, proposal, pv1.LocationRef, pv1.CarSize, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        _cts.Dispose();
    }
}
