using FilFil.Core.Ipld;

namespace FilFil.Core.Store;

/// <summary>A block could not be obtained (absent from the source, or its bytes never matched its CID).</summary>
public sealed class BlockUnavailableException : Exception
{
    /// <param name="corrupt">The source gave bytes that do not hash to <paramref name="cid"/> (rather than no bytes).</param>
    public BlockUnavailableException(Cid cid, string reason, Exception? inner = null, bool corrupt = false)
        : base($"block {cid} is {(corrupt ? "corrupt" : "unavailable")}: {reason}", inner)
    {
        Cid = cid;
        Corrupt = corrupt;
    }

    public Cid Cid { get; }

    /// <summary>The source's bytes did not hash to <see cref="Cid"/> (the last attempt's failure); false: it gave none.</summary>
    public bool Corrupt { get; }
}
