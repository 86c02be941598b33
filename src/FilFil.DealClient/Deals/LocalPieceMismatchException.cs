namespace FilFil.DealClient.Deals;

/// <summary>The locally taken snapshot does not hold the piece the operator published (another CID or size, or none).</summary>
public sealed class LocalPieceMismatchException : Exception
{
    public LocalPieceMismatchException() { }
    public LocalPieceMismatchException(string message) : base(message) { }
    public LocalPieceMismatchException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The published piece CID, when the mismatch is about a CID.</summary>
    public string? PublishedCid { get; init; }

    /// <summary>The local piece CID, when there is one.</summary>
    public string? LocalCid { get; init; }
}
