namespace FilFil.PowerShell.DealClient;

/// <summary>Submit-FilFilDeal output: one proposed piece, its proposal and what the deal software answered.</summary>
public sealed class DealSubmission
{
    public required string Miner { get; init; }
    public required ulong Slot { get; init; }
    public required uint PieceIndex { get; init; }
    public required string PieceCid { get; init; }
    /// <summary>Where the provider fetches the CAR (FilFil's /piece/{cid}).</summary>
    public required string Url { get; init; }
    public required ulong CarSize { get; init; }
    /// <summary>Boost (it picks the proposal up from the DealProposalCreate log) or Curio (submitted over MK12 HTTP).</summary>
    public required string Backend { get; init; }
    /// <summary>The contract's proposal id (0x…), as in DealProposalCreate.</summary>
    public required string ProposalId { get; init; }
    public required long StartEpoch { get; init; }
    public required long EndEpoch { get; init; }
    /// <summary>The proposeDeal transaction; null when only submitted to Curio (-ProposalId, -TransactionHash).</summary>
    public required TransactionResult? Transaction { get; init; }
    /// <summary>Curio: the MK12 deal UUID sent; null for Boost.</summary>
    public Guid? DealUuid { get; init; }
    /// <summary>Curio: whether its market accepted the deal; null for Boost.</summary>
    public bool? Accepted { get; init; }
    /// <summary>Curio: its rejection reason (empty when accepted).</summary>
    public string? Message { get; init; }
}
