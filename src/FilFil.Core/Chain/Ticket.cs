namespace FilFil.Core.Chain;

public sealed record Ticket(byte[] VRFProof);
