using FilFil.Core.Ipld;

namespace FilFil.Core.Store;

/// <summary>Fetches blocks that the store does not hold yet (for example over the Lotus API, or from a CAR).</summary>
public interface IBlockSource
{
    /// <summary>Returns the block's bytes; the caller verifies them against <paramref name="cid"/>.</summary>
    ValueTask<ReadOnlyMemory<byte>> GetAsync(Cid cid, CancellationToken ct);
}
