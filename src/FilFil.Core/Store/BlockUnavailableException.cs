using FilFil.Core.Ipld;

namespace FilFil.Core.Store;

/// <summary>What was wrong with a block a source could not give.</summary>
public enum BlockProblem
{
    /// <summary>The source gave no bytes (absent, or it answered with an error).</summary>
    Unavailable,
    /// <summary>The source's bytes did not hash to the CID.</summary>
    Corrupt,
    /// <summary>The bytes hash to the CID but do not decode as what the CID is linked as (not DAG-CBOR, or not a block header).</summary>
    Undecodable,
}

/// <summary>A block could not be obtained (absent from the source, its bytes never matched its CID, or they do not decode).</summary>
public sealed class BlockUnavailableException : Exception
{
    /// <param name="corrupt">The source gave bytes that do not hash to <paramref name="cid"/> (rather than no bytes).</param>
    public BlockUnavailableException(Cid cid, string reason, Exception? inner = null, bool corrupt = false)
        : this(cid, reason, inner, corrupt ? BlockProblem.Corrupt : BlockProblem.Unavailable)
    {
    }

    public BlockUnavailableException(Cid cid, string reason, Exception? inner, BlockProblem problem)
        : base($"block {cid} is {Word(problem)}: {reason}", inner)
    {
        Cid = cid;
        Problem = problem;
    }

    /// <summary>
    /// A block whose bytes hash to <paramref name="cid"/> but fail to decode as <paramref name="what"/> (e.g. "a block
    /// header", "DAG-CBOR"): the source serves it so, and asking again gives the same bytes.
    /// </summary>
    public static BlockUnavailableException NotDecodable(Cid cid, string what, FilFilFormatException error) =>
        new(cid, $"its bytes hash to it but do not decode as {what} ({error.Message})", error, BlockProblem.Undecodable);

    public Cid Cid { get; }

    /// <summary>What was wrong (the last attempt's failure).</summary>
    public BlockProblem Problem { get; }

    /// <summary>The source's bytes did not hash to <see cref="Cid"/> (the last attempt's failure); false: it gave none, or bytes that do not decode.</summary>
    public bool Corrupt => Problem == BlockProblem.Corrupt;

    /// <summary>The problem as a word: unavailable, corrupt or undecodable.</summary>
    public static string Word(BlockProblem problem) => problem switch
    {
        BlockProblem.Corrupt => "corrupt",
        BlockProblem.Undecodable => "undecodable",
        _ => "unavailable",
    };
}
