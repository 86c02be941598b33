using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Lotus;

/// <summary>An <see cref="IBlockSource"/> over ChainReadObj (the caller, e.g. <see cref="RefDag"/>, verifies hashes).</summary>
public sealed class LotusBlockSource(LotusClient client) : IBlockSource
{
    public async ValueTask<ReadOnlyMemory<byte>> GetAsync(Cid cid, CancellationToken ct)
    {
        try
        {
            return await client.ChainReadObjAsync(cid, ct).ConfigureAwait(false);
        }
        catch (LotusRpcException e)
        {
            throw new BlockUnavailableException(cid, $"the node does not have it ({e.Message})", e);
        }
    }
}
