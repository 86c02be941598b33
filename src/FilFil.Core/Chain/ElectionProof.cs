namespace FilFil.Core.Chain;

public sealed record ElectionProof(long WinCount, byte[] VRFProof);
