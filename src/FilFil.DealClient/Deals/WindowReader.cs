using System.Numerics;
using FilFil.Core.Ipld;
using FilFil.DealClient.Ethereum;
using FilFil.DealClient.Messages;

namespace FilFil.DealClient.Deals;

/// <summary>
/// Reads a provider's window from the contract's views, by the contract's own rules (contracts/src):
/// <list type="bullet">
/// <item>the latest window is <c>providerInfo(miner).windowAssignment</c> (windowOf's first/last belong to it: a
/// provider's windows never overlap and the latest is the furthest in the future); for a given slot it is
/// <c>latestAssignment(slot, miner)</c>;</item>
/// <item><c>assignmentInfo</c> gives the slot, first/last epoch and status (A_OPEN = 1);</item>
/// <item><c>slotInfo(slot).pieceCount</c> and <c>pieceInfo(slot, i)</c> the staged pieces (binary piece CID, padded
/// and CAR size); <c>slotReplicas(slot)</c> the deal already recorded per piece of this assignment;</item>
/// <item>proposeDeal succeeds only while <c>status == 1 &amp;&amp; first &lt;= block.number &lt;= last</c>
/// (<c>_proposerProvider</c>); <see cref="ProviderWindow.State"/> applies that to the next epoch.</item>
/// </list>
/// </summary>
public static class WindowReader
{
    /// <summary>
    /// The provider's latest window, or its window on <paramref name="slot"/> when given. A provider that never had
    /// a window gives <see cref="WindowState.None"/> with no pieces.
    /// </summary>
    public static async Task<ProviderWindow> GetWindowAsync(EthereumEndpoint endpoint, string contract, ulong miner, ulong? slot = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        BigInteger assignment;
        if (slot is { } s)
            assignment = await endpoint.QueryAsync<LatestAssignmentFunction, BigInteger>(contract,
                new LatestAssignmentFunction { Slot = s, Provider = miner }, ct).ConfigureAwait(false);
        else
            assignment = (await endpoint.QueryOutputAsync<ProviderInfoFunction, ProviderInfoOutput>(contract,
                new ProviderInfoFunction { Id = miner }, ct).ConfigureAwait(false)).Provider.WindowAssignment;
        ulong head = await GetHeadAsync(endpoint, ct).ConfigureAwait(false);
        if (assignment.IsZero)
            return new ProviderWindow
            {
                Miner = miner, Slot = slot ?? 0, Assignment = 0, FirstEpoch = 0, LastEpoch = 0, AssignmentStatus = 0,
                HeadEpoch = head, Pieces = [],
            };
        var a = (await endpoint.QueryOutputAsync<AssignmentInfoFunction, AssignmentInfoOutput>(contract,
            new AssignmentInfoFunction { Id = assignment }, ct).ConfigureAwait(false)).Assignment;
        var pieces = await GetPiecesAsync(endpoint, contract, a.Slot, assignment, ct).ConfigureAwait(false);
        return new ProviderWindow
        {
            Miner = miner, Slot = a.Slot, Assignment = (ulong)assignment, FirstEpoch = a.First, LastEpoch = a.Last,
            AssignmentStatus = a.Status, HeadEpoch = head, Pieces = pieces,
        };
    }

    /// <summary>The chain head (eth_blockNumber).</summary>
    public static async Task<ulong> GetHeadAsync(EthereumEndpoint endpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return (ulong)(await endpoint.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(ct).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// The staged pieces of <paramref name="slot"/> in index order, with the deal recorded for each in
    /// <paramref name="assignment"/> (-1 where none; all -1 for assignment 0).
    /// </summary>
    public static async Task<IReadOnlyList<StagedPiece>> GetPiecesAsync(EthereumEndpoint endpoint, string contract, ulong slot,
        BigInteger assignment, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var info = (await endpoint.QueryOutputAsync<SlotInfoFunction, SlotInfoOutput>(contract,
            new SlotInfoFunction { Height = slot }, ct).ConfigureAwait(false)).Slot;
        if (!info.Exists) return [];
        List<BigInteger>? deals = null;
        if (!assignment.IsZero)
        {
            var replicas = (await endpoint.QueryOutputAsync<SlotReplicasFunction, SlotReplicasOutput>(contract,
                new SlotReplicasFunction { Height = slot }, ct).ConfigureAwait(false)).Replicas;
            deals = replicas.FirstOrDefault(r => r.Assignment == assignment)?.DealIds;
        }
        var pieces = new List<StagedPiece>((int)info.PieceCount);
        for (uint i = 0; i < info.PieceCount; i++)
        {
            var p = (await endpoint.QueryOutputAsync<PieceInfoFunction, PieceInfoOutput>(contract,
                new PieceInfoFunction { Height = slot, Index = i }, ct).ConfigureAwait(false)).Piece;
            long deal = deals is not null && i < deals.Count ? (long)deals[(int)i] : -1;
            pieces.Add(new StagedPiece(i, Cid.FromBytes(p.PieceCid).ToString(), p.PaddedSize, p.CarSize, deal));
        }
        return pieces;
    }
}
