namespace FilFil.DealClient.Curio;

/// <summary>Curio's market endpoint could not be reached, refused the request, or rejected the deal.</summary>
public sealed class CurioMarketException : Exception
{
    public CurioMarketException() { }
    public CurioMarketException(string message) : base(message) { }
    public CurioMarketException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The HTTP status, when Curio answered; null when the endpoint could not be reached.</summary>
    public int? StatusCode { get; init; }

    /// <summary>True when Curio answered 200 with Accepted = false (a rejection reason from its checks).</summary>
    public bool Rejected { get; init; }
}
