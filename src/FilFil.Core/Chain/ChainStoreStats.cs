namespace FilFil.Core.Chain;

/// <summary>
/// A read-only snapshot of what a <see cref="ChainStore"/> holds, for status output outside Core (the store and the
/// reference-counted DAG themselves stay inside Core: their address-level members are not safe to call from outside).
/// </summary>
public sealed record ChainStoreStats
{
    /// <summary>Blocks held in memory (state and messages of the window, headers back to genesis).</summary>
    public long Blocks { get; init; }
    /// <summary>Block data bytes held.</summary>
    public long DataBytes { get; init; }
    /// <summary>CID bytes held.</summary>
    public long CidBytes { get; init; }
    /// <summary>Arena bytes reserved for records (data, CIDs and headers).</summary>
    public long ArenaBytes { get; init; }
    /// <summary>Bytes of the hash index.</summary>
    public long IndexBytes { get; init; }
    /// <summary>Blocks fetched from a node (ChainReadObj) since the engine was made.</summary>
    public long BlocksFetched { get; init; }
    /// <summary>Fetched blocks refused because their bytes did not hash to their CID.</summary>
    public long BadBlocksRefused { get; init; }
    /// <summary>Tipsets in the window (with linked state and messages).</summary>
    public int WindowTipSets { get; init; }
}
