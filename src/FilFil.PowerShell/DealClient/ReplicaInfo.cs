namespace FilFil.PowerShell.DealClient;

/// <summary>One replica of a slot: the provider holding its window, the window, and its deal per piece (slotReplicas).</summary>
public sealed class ReplicaInfo
{
    /// <summary>Chain height of the snapshot (the slot).</summary>
    public ulong Height { get; init; }
    /// <summary>Assignment id (Request-FilFilOffer -Assignment settles it).</summary>
    public System.Numerics.BigInteger Assignment { get; init; }
    /// <summary>The provider's miner (f0…).</summary>
    public required string Miner { get; init; }
    public ulong MinerId { get; init; }
    /// <summary>Open, Fulfilled, Missed, Failed or Void.</summary>
    public required string Status { get; init; }
    public ulong WindowFirst { get; init; }
    public ulong WindowLast { get; init; }
    /// <summary>Epoch until which the replica's deals cover the snapshot.</summary>
    public ulong CoverEnd { get; init; }
    public uint PiecesDone { get; init; }
    public required string RetrievalUrl { get; init; }
    /// <summary>Deal ID per piece; -1 where none was made yet.</summary>
    public required long[] DealIds { get; init; }
    /// <summary>State per piece's deal (Published, Active, Terminated, Completed), or None.</summary>
    public required string[] DealStates { get; init; }
}
