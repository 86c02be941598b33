namespace FilFil.Core.Lotus;

/// <summary>
/// The node kept answering a method other than a block read (ChainGetGenesis, ChainNotify, ChainHead,
/// ChainGetTipSet) with an error object on one connection, each call asked again with backoff: a node that cannot
/// serve its chain, not a lost connection, so the follower stops with this fault instead of reconnecting.
/// </summary>
public sealed class LotusMethodFailedException(string method, string message, LotusRpcException last) : Exception(message, last)
{
    /// <summary>The method that failed, e.g. <c>Filecoin.ChainHead</c>.</summary>
    public string Method { get; } = method;
}
