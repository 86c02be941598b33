using System.Numerics;
using FilFil.Core.Ipld;
using FilFil.DealClient.Messages;

namespace FilFil.PowerShell.DealClient;

/// <summary>
/// The views the cmdlets build from several contract getters (slots with their pieces and replicas, providers with
/// their replicas, parameters), read through a cmdlet's <see cref="DealClientCmdlet.Query{TFunction, TOut}"/> so that
/// Ctrl-C and revert decoding apply.
/// </summary>
internal sealed class ContractReader(DealClientCmdlet cmdlet)
{
    public SlotData Slot(ulong height) => cmdlet.QueryOutput<SlotInfoFunction, SlotInfoOutput>(new SlotInfoFunction { Height = height }).Slot;

    /// <summary>The slot with its pieces and replicas; null when the height is not published.</summary>
    public SlotInfo? SlotInfo(ulong height)
    {
        var s = Slot(height);
        if (!s.Exists) return null;
        var pieces = new SlotPieceInfo[s.PieceCount];
        for (uint i = 0; i < s.PieceCount; i++)
        {
            var p = cmdlet.QueryOutput<PieceInfoFunction, PieceInfoOutput>(new PieceInfoFunction { Height = height, Index = i }).Piece;
            pieces[i] = new SlotPieceInfo
            {
                Height = height, PieceIndex = i, PieceCid = Cid.FromBytes(p.PieceCid).ToString(), PaddedSize = p.PaddedSize, CarSize = p.CarSize,
            };
        }
        return new SlotInfo
        {
            Height = height, PieceCount = s.PieceCount, PublishedAt = s.PublishedAt, LifetimeEnd = s.LifetimeEnd, TotalSize = s.TotalSize,
            Deals = s.Deals, Listed = s.Listed, Pieces = pieces, Replicas = Replicas(height),
        };
    }

    public ReplicaInfo[] Replicas(ulong height) =>
        cmdlet.QueryOutput<SlotReplicasFunction, SlotReplicasOutput>(new SlotReplicasFunction { Height = height }).Replicas
            .Select(r => Replica(height, r)).ToArray();

    private ReplicaInfo Replica(ulong height, ReplicaData r)
    {
        var ids = r.DealIds.Select(d => (long)d).ToArray();
        return new ReplicaInfo
        {
            Height = height, Assignment = r.Assignment, Miner = DealClientNames.Miner(r.Provider), MinerId = r.Provider,
            Status = DealClientNames.AssignmentStatus(r.Status), WindowFirst = r.WindowFirst, WindowLast = r.WindowLast,
            CoverEnd = r.CoverEnd, PiecesDone = r.PiecesDone, RetrievalUrl = r.RetrievalUrl, DealIds = ids,
            DealStates = ids.Select(id => id < 0 ? "None" : DealClientNames.DealState(Deal((ulong)id).State)).ToArray(),
        };
    }

    public DealData Deal(ulong dealId) => cmdlet.QueryOutput<DealInfoFunction, DealInfoOutput>(new DealInfoFunction { DealId = dealId }).Deal;

    /// <summary>Heights of the listed slots, in listing order.</summary>
    public ulong[] SlotHeights()
    {
        var count = cmdlet.Query<SlotCountFunction, BigInteger>(new SlotCountFunction());
        var heights = new ulong[(int)count];
        for (int i = 0; i < heights.Length; i++) heights[i] = cmdlet.Query<SlotAtFunction, ulong>(new SlotAtFunction { Index = i });
        return heights;
    }

    public ProviderData Provider(ulong id) => cmdlet.QueryOutput<ProviderInfoFunction, ProviderInfoOutput>(new ProviderInfoFunction { Id = id }).Provider;

    public List<ulong> Roster() => cmdlet.Query<RosterFunction, List<ulong>>(new RosterFunction());

    /// <summary>Providers with their replicas across the listed slots (one pass over the slots for all of them).</summary>
    public IEnumerable<StorageProviderInfo> Providers(IReadOnlyList<ulong> ids)
    {
        var replicas = SlotHeights().SelectMany(Replicas).Where(r => ids.Contains(r.MinerId)).ToLookup(r => r.MinerId);
        foreach (var id in ids)
        {
            var p = Provider(id);
            yield return new StorageProviderInfo
            {
                Miner = DealClientNames.Miner(id), MinerId = id, Controller = p.Controller, Status = DealClientNames.ProviderStatus(p.Status),
                Collateral = p.Collateral, RetrievalUrl = p.RetrievalUrl, Misses = p.Misses, MissLimit = p.MissLimit, SlashBps = p.SlashBps,
                WindowFirst = p.WindowFirst, WindowLast = p.WindowLast, LastDealEnd = p.LastDealEnd, CoolDownUntil = p.CoolDownUntil,
                Replicas = replicas[id].ToArray(),
            };
        }
    }

    public DealClientParams Params() => cmdlet.QueryOutput<GetParamsFunction, GetParamsOutput>(new GetParamsFunction()).Params;

    public DealClientParameters Parameters(string contract) =>
        new(contract, Params(), cmdlet.Query<PausedFunction, bool>(new PausedFunction()), cmdlet.Query<RewardPoolFunction, BigInteger>(new RewardPoolFunction()));
}
