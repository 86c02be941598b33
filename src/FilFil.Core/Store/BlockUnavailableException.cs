using FilFil.Core.Ipld;

namespace FilFil.Core.Store;

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
