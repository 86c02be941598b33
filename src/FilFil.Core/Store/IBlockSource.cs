using FilFil.Core.Ipld;

namespace FilFil.Core.Store;

/// <summary>Fetches blocks that the store does not hold yet (for example over the Lotus API, or from a CAR).</summary>
public interface IBlockSource
{
    /// <summary>Returns the block's bytes; the caller verifies them against <paramref name="cid"/>.</summary>
    ValueTask<ReadOnlyMemory<byte>> GetAsync(Cid cid, CancellationToken ct);
}

/// <summary>A block could not be obtained (absent from the source, or its bytes never matched its CID).</summary>
public sealed class BlockUnavailableException : Exception
{
    public BlockUnavailableException(Cid cid, string reason, Exception? inner = null)
        : base($"block {cid} is unavailable: {reason}", inner)
    {
        Cid = cid;
    }

    public Cid Cid { get; }
}
