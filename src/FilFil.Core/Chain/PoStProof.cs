namespace FilFil.Core.Chain;

public sealed record PoStProof(long PoStProofType, byte[] ProofBytes);
