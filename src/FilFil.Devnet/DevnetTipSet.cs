using System.Numerics;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>
/// A tipset of the devnet: its blocks in canonical order (lotus chain/types/tipset.go tipsetSortFunc: by blake2b-256 of
/// the ticket VRFProof, ties by CID bytes), plus what executing it produced (the state and receipts its children name).
/// </summary>
public sealed class DevnetTipSet
{
    public required long Height { get; init; }
    public required IReadOnlyList<Cid> Cids { get; init; }
    public required IReadOnlyList<BlockHeader> Blocks { get; init; }
    internal IReadOnlyList<byte[]> BlockBytes { get; init; } = Array.Empty<byte[]>();

    /// <summary>Chain weight of this tipset (its children's ParentWeight).</summary>
    public required BigInteger Weight { get; init; }

    /// <summary>State root after executing this tipset (ParentStateRoot of the next tipset).</summary>
    public required Cid StateAfter { get; init; }

    /// <summary>Receipts AMT of this tipset's messages (ParentMessageReceipts of the next tipset).</summary>
    public required Cid ReceiptsAfter { get; init; }

    /// <summary>The messages this tipset executes (Lotus MessagesForTipset order and nonce selection): (CID, is secp).</summary>
    public required IReadOnlyList<(Cid Cid, bool Secp)> Messages { get; init; }

    internal BigInteger BaseFeeAfter { get; init; }
    internal int Fork { get; init; }
    internal int WinSum { get; init; }
    internal StateTree.Undo? Undo { get; init; }

    /// <summary>The tipset key as Lotus prints it: {cid1,cid2}.</summary>
    public string Key => "{" + string.Join(",", Cids) + "}";

    public bool KeyEquals(IReadOnlyList<Cid> key)
    {
        if (key.Count != Cids.Count) return false;
        for (int i = 0; i < key.Count; i++) if (key[i] != Cids[i]) return false;
        return true;
    }

    public override string ToString() => $"{Height} {Key}";
}
